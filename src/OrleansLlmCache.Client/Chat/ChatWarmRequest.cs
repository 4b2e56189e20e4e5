using Microsoft.Extensions.AI;

namespace OrleansLlmCache.Client.Chat;

/// <summary>One request to pre-compute: its namespace, messages and options, and its tenant when not the warmer's.</summary>
public sealed record ChatWarmRequest(string Namespace, IReadOnlyList<ChatMessage> Messages, ChatOptions? Options, string? Tenant = null);
