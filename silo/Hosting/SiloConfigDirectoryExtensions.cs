using Microsoft.Extensions.Configuration;
using OrleansLlmCache.Hosting.Startup;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Settings from a directory with one file a setting (the key-per-file provider): a Kubernetes Secret mounted as a
/// volume gives the silo any number of gateway API keys without an environment variable for each
/// (<c>LlmCache__Gateway__ApiKeys__0__Sha256</c>, <c>..._0__Tenant</c>, <c>..._1__Sha256</c>, ...).
/// </summary>
public static class SiloConfigDirectoryExtensions
{
    /// <summary>
    /// The environment variable (or command-line setting) that names the directory. Unset (the default outside
    /// Kubernetes): no directory is read.
    /// </summary>
    public const string Variable = "LLMCACHE_CONFIG_DIR";

    /// <summary>
    /// When <see cref="Variable"/> names a directory, adds each of its files as a setting: the file name is the setting's
    /// path with <c>__</c> for each <c>:</c>, the content its value (a final line break dropped). Added last, so a
    /// setting in the directory wins over the same one from an environment variable or the command line. Read once at
    /// start-up: a changed Secret takes a restart. Files whose names start with a dot (Kubernetes' own <c>..data</c>)
    /// or <c>ignore.</c> are skipped.
    /// </summary>
    /// <exception cref="LlmCacheStartupException">
    /// The directory does not exist, or holds a file whose name is not a setting path (such as the entry names
    /// <c>upstream-api-key</c> and <c>api-key-0-sha256</c> of earlier manifests), which would otherwise be ignored
    /// without a word.
    /// </exception>
    public static WebApplicationBuilder AddOrleansLlmCacheSiloConfigDirectory(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Configuration[Variable] is not { Length: > 0 } directory)
        {
            return builder;
        }

        if (!Directory.Exists(directory))
        {
            throw new LlmCacheStartupException(
                $"{Variable} is '{directory}', which is not a directory: point it at the mounted settings directory (one file a setting), or unset it.");
        }

        var unnamed = Directory.EnumerateFiles(directory)
            .Select(Path.GetFileName)
            .Where(name => name is not null && !name.StartsWith('.') && !name.StartsWith("ignore.", StringComparison.Ordinal) && !name.Contains("__", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (unnamed.Count > 0)
        {
            throw new LlmCacheStartupException(
                $"{Variable} ({directory}) holds {string.Join(", ", unnamed)}, which name no setting: name each file after the setting it sets, with __ for each ':' (LlmCache__Gateway__ApiKeys__0__Sha256, LlmCache__Gateway__Upstream__ApiKey).");
        }

        builder.Configuration.AddKeyPerFile(directory, optional: true);
        return builder;
    }
}
