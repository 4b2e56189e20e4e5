using Microsoft.Extensions.Options;
using OrleansLlmCache.Client.Caching;

namespace OrleansLlmCache.Client.Semantic;

/// <summary>
/// At start-up, with <see cref="SemanticCacheOptions.UseEmbeddingGenerator"/> on: the application's embedding generator
/// is registered and its model is named. Otherwise the app server would start, and every semantic request fail its
/// lookup later.
/// </summary>
internal sealed class ApplicationEmbedderValidator(IServiceProvider services) : IValidateOptions<LlmCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, LlmCacheOptions options)
    {
        try
        {
            ApplicationEmbedder.Resolve(services, options);
            return ValidateOptionsResult.Success;
        }
        catch (InvalidOperationException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}
