using System.Security.Cryptography;
using System.Text;

namespace OrleansLlmCache.Abstractions.Keys;

/// <summary>
/// The article's five-field request: prompt, model, temperature, max tokens and an optional system prompt.
/// Its <see cref="ComputeHash"/> is byte-for-byte the article's
/// <c>create_cache_key(prompt, model, temperature, max_tokens, system_prompt: str = "")</c>, that is
/// <c>hashlib.sha256(json.dumps({"prompt", "model", "temperature", "max_tokens", "system_prompt"}, sort_keys=True).encode()).hexdigest()</c>,
/// so an existing cache keyed that way can be moved over unchanged.
/// </summary>
/// <param name="Prompt">The user prompt.</param>
/// <param name="Model">The model name, such as <c>gpt-4</c>.</param>
/// <param name="Temperature">The sampling temperature: finite and not negative. Written as a Python float (<c>0.0</c>, <c>0.7</c>).</param>
/// <param name="MaxTokens">The completion token limit: not negative.</param>
/// <param name="SystemPrompt">
/// The system prompt; <c>""</c> (the default, as in Python) when there is none. <see langword="null"/> means the same
/// and is stored as <c>""</c>, so a request without a system prompt has one key whichever way it is written.
/// </param>
[GenerateSerializer, Immutable, Alias("llmcache.PromptRequest")]
public sealed record PromptRequest(
    [property: Id(0)] string Prompt,
    [property: Id(1)] string Model,
    [property: Id(2)] double Temperature,
    [property: Id(3)] int MaxTokens,
    string? SystemPrompt = "")
{
    /// <summary>The system prompt; <c>""</c> when there is none (never <see langword="null"/>).</summary>
    [Id(4)]
    public string SystemPrompt
    {
        get;

        // The article's create_cache_key defaults to "": a null hashed as None would give a key no Python caller gets.
        init => field = value ?? string.Empty;
    } = SystemPrompt ?? string.Empty;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first field that is not valid.</summary>
    public void Validate()
    {
        if (Prompt is null)
        {
            throw new ArgumentException("The prompt must not be null.", "prompt");
        }

        if (Encoding.UTF8.GetByteCount(Prompt) > LlmCacheLimits.MaxPromptBytes)
        {
            throw new ArgumentException($"The prompt is larger than {LlmCacheLimits.MaxPromptBytes} bytes.", "prompt");
        }

        if (string.IsNullOrWhiteSpace(Model))
        {
            throw new ArgumentException("The model must not be empty.", "model");
        }

        if (Model.Length > LlmCacheLimits.MaxModelLength)
        {
            throw new ArgumentException($"The model name is {Model.Length} characters long; the limit is {LlmCacheLimits.MaxModelLength}.", "model");
        }

        if (!double.IsFinite(Temperature) || Temperature < 0)
        {
            throw new ArgumentOutOfRangeException("temperature", Temperature, $"The temperature must be a finite number of 0 or more; got {Temperature}.");
        }

        if (MaxTokens < 0)
        {
            throw new ArgumentOutOfRangeException("max_tokens", MaxTokens, $"max_tokens must be 0 or more; got {MaxTokens}.");
        }

        if (Encoding.UTF8.GetByteCount(SystemPrompt) > LlmCacheLimits.MaxPromptBytes)
        {
            throw new ArgumentException($"The system prompt is larger than {LlmCacheLimits.MaxPromptBytes} bytes.", "system_prompt");
        }
    }

    /// <summary>The canonical JSON text that is hashed: Python's <c>json.dumps(..., sort_keys=True)</c> of the five fields.</summary>
    public string ToCanonicalJson()
    {
        Validate();
        return PythonJson.Dumps(new Dictionary<string, object?>
        {
            ["prompt"] = Prompt,
            ["model"] = Model,
            ["temperature"] = Temperature,
            ["max_tokens"] = MaxTokens,
            ["system_prompt"] = SystemPrompt,
        });
    }

    /// <summary>The lower-case hex SHA-256 of <see cref="ToCanonicalJson"/>, as Python's <c>hexdigest()</c> prints it.</summary>
    public string ComputeHash() => Sha256Hex(ToCanonicalJson());

    /// <summary>The cache key of this request in <paramref name="tenant"/> and <paramref name="namespace"/>.</summary>
    public CacheKey ToCacheKey(string tenant, string @namespace)
    {
        var key = new CacheKey(tenant, @namespace, ComputeHash());
        key.Validate();
        return key;
    }

    internal static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
