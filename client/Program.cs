using OrleansLlmCache.Cli;

using var signals = StopSignals.Listen();
try
{
    var exitCode = await LlmCacheCli.RunAsync(args, cancellationToken: signals.Token);
    return signals.Received is null ? exitCode : signals.ExitCode;
}
catch (OperationCanceledException) when (signals.Received is not null)
{
    return signals.ExitCode;
}
