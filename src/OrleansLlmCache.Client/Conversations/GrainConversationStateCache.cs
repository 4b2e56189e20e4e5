using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions;
using OrleansLlmCache.Abstractions.Access;
using OrleansLlmCache.Abstractions.Conversations;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Diagnostics;
using OrleansLlmCache.Client.Policies;

namespace OrleansLlmCache.Client.Conversations;

/// <summary><see cref="IConversationStateCache"/> over conversation grains; reads fail open like every cache read.</summary>
internal sealed class GrainConversationStateCache(
    IGrainFactory grains,
    IOptions<LlmCacheOptions> options,
    OrleansLlmCache.Client.Hosting.ClusterReadiness readiness,
    ILogger<GrainConversationStateCache> logger) : IConversationStateCache
{
    private readonly LlmCacheOptions _options = options.Value;

    public async ValueTask<string?> GetStateAsync(string conversationId, int messageCount, string? tenant = null, CancellationToken cancellationToken = default)
    {
        var grain = Grain(conversationId, tenant);
        try
        {
            readiness.Ensure();
            return await grain.GetStateAsync(messageCount).WaitAsync(_options.OperationTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is not (ArgumentException or LlmCacheAccessDeniedException) && !cancellationToken.IsCancellationRequested)
        {
            Log.CacheUnavailable(logger, "get conversation state", conversationId, ex.Message, ex);
            return null;
        }
    }

    public async ValueTask CacheStateAsync(string conversationId, int messageCount, string state, TimeSpan? timeToLive = null, string? tenant = null, CancellationToken cancellationToken = default)
    {
        var grain = Grain(conversationId, tenant);
        var ttl = timeToLive ?? NamespacePolicies.Resolve(_options, PromptTypes.Conversation)?.TimeToLive ?? TimeSpan.FromHours(1);
        try
        {
            readiness.Ensure();
            await grain.SetStateAsync(messageCount, state, ttl).WaitAsync(_options.OperationTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is not (ArgumentException or LlmCacheAccessDeniedException) && !cancellationToken.IsCancellationRequested)
        {
            throw new LlmCacheUnavailableException($"Could not cache the state of conversation {conversationId}: {ex.Message}", ex);
        }
    }

    private IConversationGrain Grain(string conversationId, string? tenant)
    {
        var owner = tenant ?? _options.Tenant;
        CacheKey.ValidatePart(owner, "tenant", LlmCacheLimits.MaxTenantLength);
        CacheKey.ValidatePart(conversationId, "conversationId", 128);
        return grains.GetGrain<IConversationGrain>($"{owner}/{conversationId}");
    }
}
