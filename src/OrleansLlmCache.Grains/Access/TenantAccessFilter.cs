using Microsoft.Extensions.Logging;
using OrleansLlmCache.Abstractions.Access;
using OrleansLlmCache.Abstractions.Entries;
using OrleansLlmCache.Abstractions.Invalidation;
using OrleansLlmCache.Abstractions.Semantic;
using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Grains.Conversations;
using OrleansLlmCache.Grains.Entries;
using OrleansLlmCache.Grains.Invalidation;
using OrleansLlmCache.Grains.Semantic;
using OrleansLlmCache.Grains.Statistics;

namespace OrleansLlmCache.Grains.Access;

/// <summary>
/// Lets a client's call through only when its access key reaches the tenant the call is for (see
/// <see cref="LlmCacheAccessOptions"/>). The tenant comes from the grain key for grains that belong to one tenant
/// (entries, dependency versions, namespace registries, conversations, a scope's semantic feedback), and from the arguments for grains that serve
/// many (batched reads, semantic lookups, statistics). Statistics reads and warming candidates are cut down to the key's
/// tenants. Calls from grains and from the silos' own code (their gateway, cache page, health checks, invalidation
/// subscribers) are never checked: only calls that arrive from a client connection are.
/// </summary>
/// <remarks>
/// A silo tells a client's call by its sender, a client id; the silo's own non-grain code calls through its hosted
/// client, whose id is <c>hosted-{silo address}</c>. The Orleans gateway takes both from the message as the client
/// sent it: a client built from modified Orleans code could claim to be a grain or a silo (see docs/deploy.md).
/// </remarks>
internal sealed partial class TenantAccessFilter(AccessKeyTable keys, ILogger<TenantAccessFilter> logger) : IIncomingGrainCallFilter
{
    /// <summary>
    /// The tenants a subscriber's key reaches, handed to <see cref="IInvalidationHubGrain.SubscribeAsync"/> by this
    /// filter alone (a client's own entry is removed): the hub sends such a subscriber its tenants' changes only.
    /// </summary>
    internal const string SubscriberTenantsKey = "llmcache-subscriber-tenants";

    private static ReadOnlySpan<byte> HostedClientPrefix => "hosted-"u8;

    private long _nextLogAt;

    public Task Invoke(IIncomingGrainCallContext context)
    {
        // Taken out before anything runs, whether or not this silo enforces access: a key must not travel on with the
        // calls this one makes (to other grains, or in a hub broadcast to every app server).
        var presented = RequestContext.Get(LlmCacheAccessKey.RequestContextKey);
        if (presented is not null)
        {
            RequestContext.Remove(LlmCacheAccessKey.RequestContextKey);
        }

        if (RequestContext.Get(SubscriberTenantsKey) is not null)
        {
            RequestContext.Remove(SubscriberTenantsKey);
        }

        if (!keys.IsEnforced || !IsFromClient(context))
        {
            return context.Invoke();
        }

        var grant = presented is string key ? keys.Find(key) : null;
        if (grant is { IsOperator: true })
        {
            return context.Invoke();
        }

        return context.Grain switch
        {
            CacheEntryGrain or DependencyGrain or NamespaceRegistryGrain or ConversationGrain => CheckKeyTenant(context, grant, presented),
            EntryReaderGrain => CheckReads(context, grant, presented),
            SemanticLookupGrain => CheckSemantic(context, grant, presented),
            SemanticFeedbackGrain => CheckFeedback(context, grant, presented),
            CacheStatisticsGrain => CheckStatistics(context, grant, presented),
            InvalidationHubGrain => CheckHub(context, grant, presented),
            MembershipShardGrain or SemanticScopeGrain or SemanticIndexShardGrain => Refuse(context, grant is null ? AccessRefusal.For(null, null, presented is not null) : AccessRefusal.SiloInternal(Describe(context))),
            _ => Refuse(context, grant is null ? AccessRefusal.For(null, null, presented is not null) : AccessRefusal.OperatorOnly(Describe(context))),
        };
    }

    // A call from a client connection: its sender is a client id, and not the hosted client through which a silo's own
    // non-grain code calls. System targets (the runtime's own) are left to the runtime.
    private static bool IsFromClient(IIncomingGrainCallContext context) =>
        context.SourceId is { } source
        && source.IsClient()
        && !source.Key.AsSpan().StartsWith(HostedClientPrefix)
        && !context.TargetId.IsSystemTarget();

    // Entries ({tenant}/{namespace}/{id}), dependency versions ({tenant}/tag:...), a tenant's namespace registry
    // ({tenant}) and conversations ({tenant}/{id}): the grain key says whose it is.
    private Task CheckKeyTenant(IIncomingGrainCallContext context, AccessGrant? grant, object? presented)
    {
        var tenant = TenantScope.TenantOf(context.TargetId.Key.AsSpan());
        return grant is not null && grant.Allows(tenant)
            ? context.Invoke()
            : Refuse(context, AccessRefusal.For(System.Text.Encoding.UTF8.GetString(tenant), grant, presented is not null));
    }

    // A batch of reads names its keys in its argument: every one must be the key's tenants'.
    private Task CheckReads(IIncomingGrainCallContext context, AccessGrant? grant, object? presented)
    {
        if (context.InterfaceMethod.Name == nameof(IEntryReaderGrain.GetManyAsync) && context.Request.GetArgument(0) is string[] grainKeys)
        {
            foreach (var grainKey in grainKeys)
            {
                var tenant = TenantScope.TenantOf(grainKey ?? string.Empty);
                if (grant is null || !grant.Allows(tenant))
                {
                    return Refuse(context, AccessRefusal.For(tenant, grant, presented is not null));
                }
            }
        }

        return grant is null ? Refuse(context, AccessRefusal.For(null, null, presented is not null)) : context.Invoke();
    }

    // A lookup or registration names its exact key and its scope, each with a tenant: the index searched, the entries
    // served and the index written all belong to those.
    private Task CheckSemantic(IIncomingGrainCallContext context, AccessGrant? grant, object? presented)
    {
        var prompt = FirstArgument(context) switch
        {
            SemanticQuery query => query.Prompt,
            SemanticRegistration registration => registration.Prompt,
            _ => null,
        };
        foreach (var tenant in prompt is null ? [] : new[] { prompt.Key.Tenant, prompt.Scope.Tenant })
        {
            if (grant is null || !grant.Allows(tenant))
            {
                return Refuse(context, AccessRefusal.For(tenant, grant, presented is not null));
            }
        }

        return grant is null ? Refuse(context, AccessRefusal.For(null, null, presented is not null)) : context.Invoke();
    }

    // A scope's feedback ({tenant}/{scopeHash}): its tenant's clients may report on its hits; recording hits and reading
    // the bar are the lookups' (a client recording hits could skew another namespace's bar in its own tenant).
    private Task CheckFeedback(IIncomingGrainCallContext context, AccessGrant? grant, object? presented) =>
        context.InterfaceMethod.Name == nameof(ISemanticFeedbackGrain.ReportAsync) || grant is null
            ? CheckKeyTenant(context, grant, presented)
            : Refuse(context, AccessRefusal.SiloInternal(Describe(context)));

    private Task CheckStatistics(IIncomingGrainCallContext context, AccessGrant? grant, object? presented)
    {
        if (grant is null)
        {
            var tenant = (FirstArgument(context) as CandidateQuery)?.Tenant;
            return Refuse(context, AccessRefusal.For(tenant, null, presented is not null));
        }

        switch (context.InterfaceMethod.Name)
        {
            case nameof(ICacheStatisticsGrain.GetAsync):
                return GetStatisticsAsync(context, grant);
            case nameof(ICacheStatisticsGrain.GetCandidatesAsync) when context.Request.GetArgument(0) is CandidateQuery query:
                if (query.Tenant is { } tenant)
                {
                    return grant.Allows(tenant) ? context.Invoke() : Refuse(context, AccessRefusal.For(tenant, grant, presented: true));
                }

                if (grant.Tenants.Count == 1)
                {
                    // Asked for every tenant: the key's one tenant is every tenant it may see, and the limit still holds.
                    context.Request.SetArgument(0, query with { Tenant = grant.Tenants[0] });
                    return context.Invoke();
                }

                return GetCandidatesAsync(context, grant);
            case nameof(ICacheStatisticsGrain.ReportAsync) when context.Request.GetArgument(0) is StatisticsReport report:
                // A report for another tenant would skew its statistics, and a recorded request under its key would be
                // sent to the origin and stored under that key by whoever warms it.
                return FirstForeignTenant(report, grant) is { } foreign
                    ? Refuse(context, AccessRefusal.For(foreign.Length == 0 ? null : foreign, grant, presented: true))
                    : context.Invoke();
            case nameof(ICacheStatisticsGrain.ReportEmbeddingAsync):
            case nameof(ICacheStatisticsGrain.ReportSemanticFeedbackAsync):
                return Refuse(context, AccessRefusal.SiloInternal(Describe(context)));
            default:
                return context.Invoke();
        }
    }

    // Subscribing to invalidations is every app server's business, for the tenants its key reaches (the hub sends it
    // their changes alone: another tenant's tags and entry ids are not its business); broadcasting them is the silos'.
    private Task CheckHub(IIncomingGrainCallContext context, AccessGrant? grant, object? presented)
    {
        if (grant is null)
        {
            return Refuse(context, AccessRefusal.For(null, null, presented is not null));
        }

        switch (context.InterfaceMethod.Name)
        {
            case nameof(IInvalidationHubGrain.PublishAsync):
                return Refuse(context, AccessRefusal.SiloInternal(Describe(context)));
            case nameof(IInvalidationHubGrain.SubscribeAsync):
                RequestContext.Set(SubscriberTenantsKey, grant.TenantArray);
                return context.Invoke();
            default:
                return context.Invoke();
        }
    }

    private static async Task GetStatisticsAsync(IIncomingGrainCallContext context, AccessGrant grant)
    {
        await context.Invoke();
        if (context.Result is ClusterStatistics statistics)
        {
            context.Result = TenantScope.Of(statistics, grant);
        }
    }

    private static async Task GetCandidatesAsync(IIncomingGrainCallContext context, AccessGrant grant)
    {
        await context.Invoke();
        if (context.Result is IReadOnlyList<WarmingCandidate> candidates)
        {
            context.Result = TenantScope.Of(candidates, grant);
        }
    }

    // The first tenant of a report that the key does not reach; "" for a row without a tenant (an older client's).
    private static string? FirstForeignTenant(StatisticsReport report, AccessGrant grant)
    {
        foreach (var row in report.Rows ?? [])
        {
            if (row.Tenant is null || !grant.Allows(row.Tenant))
            {
                return row.Tenant ?? string.Empty;
            }
        }

        var keys = (report.MissesByKey?.Keys ?? []).Concat(report.RequestsByKey?.Keys ?? []);
        return keys.Select(TenantScope.TenantOf).FirstOrDefault(t => !grant.Allows(t));
    }

    private Task Refuse(IIncomingGrainCallContext context, LlmCacheAccessDeniedException refusal)
    {
        // At most one line a second: a client retrying with a wrong key must not flood the log.
        var now = Environment.TickCount64;
        var next = Interlocked.Read(ref _nextLogAt);
        if (now >= next && Interlocked.CompareExchange(ref _nextLogAt, now + 1000, next) == next)
        {
            Log.Refused(logger, context.SourceId?.ToString() ?? "(unknown)", Describe(context), context.TargetId.ToString(), refusal.Message);
        }

        return Task.FromException(refusal);
    }

    private static object? FirstArgument(IIncomingGrainCallContext context) =>
        context.Request.GetArgumentCount() > 0 ? context.Request.GetArgument(0) : null;

    private static string Describe(IIncomingGrainCallContext context) => $"{context.InterfaceMethod.DeclaringType?.Name}.{context.InterfaceMethod.Name}";

    private static partial class Log
    {
        [LoggerMessage(1901, LogLevel.Warning, "Refused {Method} on {Grain} from client {Client}: {Reason}")]
        public static partial void Refused(ILogger logger, string client, string method, string grain, string reason);
    }
}
