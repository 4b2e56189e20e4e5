using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Chat;

namespace Microsoft.Extensions.AI;

/// <summary>Adds the LLM cache to a chat client pipeline.</summary>
public static class LlmCacheChatClientBuilderExtensions
{
    /// <summary>
    /// Puts the Orleans LLM cache in front of the next client in the pipeline. <see cref="ILlmCache"/> comes from
    /// <paramref name="cache"/> or, when <see langword="null"/>, from the pipeline's services (<c>AddOrleansLlmCache()</c>).
    /// </summary>
    public static ChatClientBuilder UseOrleansLlmCache(
        this ChatClientBuilder builder,
        Action<OrleansLlmCacheChatClientOptions>? configure = null,
        ILlmCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var options = new OrleansLlmCacheChatClientOptions();
            configure?.Invoke(options);
            var logger = services.GetService<ILoggerFactory>()?.CreateLogger<OrleansLlmCacheChatClient>();
            return new OrleansLlmCacheChatClient(inner, cache ?? services.GetRequiredService<ILlmCache>(), options, logger);
        });
    }
}
