using OrleansLlmCache.Cli;

return await LlmCacheCli.RunAsync(args);
