namespace OrleansLlmCache.Core.Statistics;

/// <summary>
/// Runs a report's send one at a time, for the reporters of app servers and silos: a flush then returns only after a
/// send the timer already had in flight has landed, so everything recorded before the flush has been sent.
/// </summary>
internal sealed class OneAtATimeSender : IDisposable
{
    private readonly SemaphoreSlim _sending = new(1, 1);

    /// <summary>Waits for a send in flight, then runs <paramref name="send"/>.</summary>
    /// <param name="send">Drains what was recorded and sends it; returns whether there was anything.</param>
    public async Task<bool> SendAsync(Func<Task<bool>> send)
    {
        ArgumentNullException.ThrowIfNull(send);
        await _sending.WaitAsync();
        try
        {
            return await send();
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _sending.Dispose();
}
