using System.Text;

namespace OrleansLlmCache.Abstractions.Model;

/// <summary>A response from the origin LLM, as the cache stores and returns it.</summary>
/// <param name="Content">The response body: the answer text, or a serialized chat response (see <see cref="ContentType"/>).</param>
/// <param name="Model">The model that produced it.</param>
/// <param name="PromptTokens">Input tokens the origin charged for the request.</param>
/// <param name="CompletionTokens">Output tokens the origin charged for the response.</param>
/// <param name="ContentType">What <see cref="Content"/> holds: <see cref="PlainText"/> unless a middleware stores a structured form.</param>
[GenerateSerializer, Immutable, Alias("llmcache.CachedResponse")]
public sealed record CachedResponse(
    [property: Id(0)] string Content,
    [property: Id(1)] string Model,
    [property: Id(2)] int PromptTokens = 0,
    [property: Id(3)] int CompletionTokens = 0,
    [property: Id(4)] string ContentType = CachedResponse.PlainText)
{
    /// <summary>The content type of a plain answer text.</summary>
    public const string PlainText = "text/plain";

    /// <summary>Throws an <see cref="ArgumentException"/> naming the field that is not valid.</summary>
    public void Validate()
    {
        if (Content is null)
        {
            throw new ArgumentException("The response content must not be null.", "content");
        }

        var bytes = Encoding.UTF8.GetByteCount(Content);
        if (bytes > LlmCacheLimits.MaxResponseBytes)
        {
            throw new ArgumentException(
                $"The response is {bytes} bytes; the cache stores at most {LlmCacheLimits.MaxResponseBytes} bytes per entry.",
                "content");
        }

        if (string.IsNullOrWhiteSpace(Model))
        {
            throw new ArgumentException("The response's model must not be empty.", "model");
        }

        if (Model.Length > LlmCacheLimits.MaxModelLength)
        {
            throw new ArgumentException($"The model name is {Model.Length} characters long; the limit is {LlmCacheLimits.MaxModelLength}.", "model");
        }

        if (PromptTokens < 0)
        {
            throw new ArgumentOutOfRangeException("promptTokens", PromptTokens, "Prompt tokens must be 0 or more.");
        }

        if (CompletionTokens < 0)
        {
            throw new ArgumentOutOfRangeException("completionTokens", CompletionTokens, "Completion tokens must be 0 or more.");
        }

        if (string.IsNullOrWhiteSpace(ContentType) || ContentType.Length > 128)
        {
            throw new ArgumentException("The content type must be 1-128 characters.", "contentType");
        }
    }
}
