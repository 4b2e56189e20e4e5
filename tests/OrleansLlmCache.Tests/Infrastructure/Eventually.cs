namespace OrleansLlmCache.Tests.Infrastructure;

/// <summary>Waiting for something the test cannot await directly, with a deadline so that a test never hangs.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="failure"/> past <paramref name="within"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan within, Func<string> failure)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure());
            await Task.Delay(10);
        }
    }

    /// <summary>
    /// Polls the asynchronous <paramref name="condition"/> (a read from a server, say) until it holds; fails with
    /// <paramref name="failure"/> past <paramref name="within"/>.
    /// </summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan within, Func<string> failure)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure());
            await Task.Delay(100);
        }
    }
}
