namespace OrleansLlmCache.Tests.Infrastructure;

/// <summary>Debian's Chromium, headless, with the flags this closed network needs (no background networking).</summary>
public static class Chromium
{
    /// <summary>Loads <paramref name="url"/>, lets its scripts run, saves a screenshot and returns the rendered DOM.</summary>
    public static async Task<string> RenderAsync(string url, string screenshotPath)
    {
        var binary = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Chromium is not installed: apt-get install -y chromium (tests/run-tests.sh does it).");
        var profile = Path.Combine(Path.GetTempPath(), "llmcache-chromium-" + Guid.NewGuid().ToString("N")[..8]);
        string[] common =
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--hide-scrollbars", $"--user-data-dir={profile}",
            "--window-size=1280,900", "--virtual-time-budget=8000",
        ];
        try
        {
            await ProcessRunner.RunAsync(binary, [.. common, $"--screenshot={screenshotPath}", url]);
            return await ProcessRunner.RunAsync(binary, [.. common, "--dump-dom", url]);
        }
        finally
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
