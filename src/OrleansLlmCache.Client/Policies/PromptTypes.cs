using System.Security.Cryptography;
using System.Text;
using OrleansLlmCache.Abstractions.Keys;

namespace OrleansLlmCache.Client.Policies;

/// <summary>
/// The article's three prompt types and how each is keyed: content by topic, style and length; code analysis by the
/// SHA-256 of the code and the analysis type; conversation state by conversation and message count.
/// </summary>
public static class PromptTypes
{
    /// <summary>Namespace of content generation (24 h by default).</summary>
    public const string Content = "content";

    /// <summary>Namespace prefix of code analysis (<c>code_analysis:{language}</c>; no expiry by default).</summary>
    public const string CodeAnalysis = "code_analysis";

    /// <summary>Namespace of conversation states (1 h by default).</summary>
    public const string Conversation = "conversation";

    /// <summary>The key of a content-generation request: the same topic, style and length share an answer.</summary>
    public static CacheKey ContentKey(string tenant, string topic, string style, string length)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        var canonical = PythonJson.Dumps(new Dictionary<string, object?>
        {
            ["topic"] = topic.Trim(),
            ["style"] = style,
            ["length"] = length,
        });
        return Validated(new CacheKey(tenant, Content, Sha256(canonical)));
    }

    /// <summary>
    /// The key of a code analysis: the SHA-256 of the code and the analysis type (<c>security</c>, <c>performance</c>...),
    /// in the namespace <c>code_analysis:{language}</c>, so <c>code_analysis:python:*</c> invalidates one language.
    /// </summary>
    public static CacheKey CodeAnalysisKey(string tenant, string code, string analysisType, string language)
    {
        ArgumentNullException.ThrowIfNull(code);
        CacheKey.ValidatePart(analysisType, "analysisType", 32);
        return Validated(new CacheKey(tenant, $"{CodeAnalysis}:{language}", $"{Sha256(code)}.{analysisType}"));
    }

    /// <summary>The key of a conversation's state after <paramref name="messageCount"/> messages (the article's <c>conv:{id}:state:{count}</c>).</summary>
    public static CacheKey ConversationStateKey(string tenant, string conversationId, int messageCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(messageCount);
        CacheKey.ValidatePart(conversationId, "conversationId", 128);
        return Validated(new CacheKey(tenant, Conversation, $"{conversationId}.state.{messageCount}"));
    }

    private static CacheKey Validated(CacheKey key)
    {
        key.Validate();
        return key;
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
