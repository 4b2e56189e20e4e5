using System.Text.Json.Serialization;

namespace OrleansLlmCache.Cli.Demo;

/// <summary>One message of a workload request.</summary>
internal sealed record WorkloadMessage(
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("content")] string Content);
