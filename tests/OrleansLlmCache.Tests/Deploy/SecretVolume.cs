namespace OrleansLlmCache.Tests.Deploy;

/// <summary>
/// A temporary directory laid out the way the kubelet mounts a Secret volume: the entries in a timestamped directory,
/// <c>..data</c> linking to it, and one link a key at the top (<c>LlmCache__Gateway__ApiKeys__0__Sha256 -&gt;
/// ..data/LlmCache__Gateway__ApiKeys__0__Sha256</c>), so that the silo reads it as it would read the mounted Secret.
/// </summary>
internal sealed class SecretVolume : IDisposable
{
    private SecretVolume(string path) => Path = path;

    public string Path { get; }

    public static SecretVolume Create(IReadOnlyDictionary<string, string> entries)
    {
        var root = Directory.CreateTempSubdirectory("llmcache-secret-").FullName;
        var data = Directory.CreateDirectory(System.IO.Path.Combine(root, "..2026_01_01_00_00_00.000000001")).Name;
        foreach (var (name, value) in entries)
        {
            File.WriteAllText(System.IO.Path.Combine(root, data, name), value);
        }

        File.CreateSymbolicLink(System.IO.Path.Combine(root, "..data"), data);
        foreach (var name in entries.Keys)
        {
            File.CreateSymbolicLink(System.IO.Path.Combine(root, name), System.IO.Path.Combine("..data", name));
        }

        return new SecretVolume(root);
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
