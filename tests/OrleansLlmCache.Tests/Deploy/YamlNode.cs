using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace OrleansLlmCache.Tests.Deploy;

/// <summary>
/// A read-only view of one YAML value for assertions: <c>node["spec"]["template"]</c> walks maps, a missing key gives
/// an empty node instead of throwing, so a test can say what it expected to find.
/// </summary>
internal readonly struct YamlNode(object? value)
{
    public static readonly YamlNode Missing = new(null);

    public bool Exists => value is not null;

    public YamlNode this[string key] =>
        value is IReadOnlyDictionary<string, object?> map && map.TryGetValue(key, out var child) ? new YamlNode(child) : Missing;

    public string? Text => value as string;

    public int? Int => value is string s && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null;

    public IReadOnlyList<YamlNode> Items => value is List<object?> list ? list.ConvertAll(item => new YamlNode(item)) : [];

    public IReadOnlyDictionary<string, YamlNode> Entries => value is IReadOnlyDictionary<string, object?> map
        ? map.ToDictionary(e => e.Key, e => new YamlNode(e.Value), StringComparer.Ordinal)
        : new Dictionary<string, YamlNode>();

    public string Kind => this["kind"].Text ?? "";

    public string Name => this["metadata"]["name"].Text ?? "";

    /// <summary>Every document of a YAML stream; an empty document is skipped.</summary>
    public static IReadOnlyList<YamlNode> LoadAll(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Where(d => d.RootNode is not YamlScalarNode { Value: null or "" })
            .Select(d => new YamlNode(Convert(d.RootNode))).ToList();
    }

    public override string ToString() => value?.ToString() ?? "(missing)";

    private static object? Convert(YamlDotNet.RepresentationModel.YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => Convert(e.Value), StringComparer.Ordinal),
        YamlSequenceNode sequence => sequence.Children.Select(Convert).ToList(),
        YamlScalarNode scalar => scalar.Value,
        _ => throw new NotSupportedException($"YAML node {node.NodeType} at {node.Start}"),
    };
}
