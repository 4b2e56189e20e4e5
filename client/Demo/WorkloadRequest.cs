using System.Text.Json.Serialization;

namespace OrleansLlmCache.Cli.Demo;

/// <summary>One line of a workload file: a chat request and the namespace (prompt type) it belongs to.</summary>
internal sealed record WorkloadRequest(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("system")] string? System,
    [property: JsonPropertyName("temperature")] float Temperature,
    [property: JsonPropertyName("max_tokens")] int MaxTokens,
    [property: JsonPropertyName("messages")] IReadOnlyList<WorkloadMessage> Messages);
