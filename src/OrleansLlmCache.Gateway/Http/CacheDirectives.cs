using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using OrleansLlmCache.Abstractions;
using OrleansLlmCache.Client.Caching;

namespace OrleansLlmCache.Gateway.Http;

/// <summary>What a request asks of the cache, read from its headers (documented in docs/gateway.md).</summary>
/// <param name="NoStore"><c>Cache-Control: no-store</c>: neither read nor write the cache.</param>
/// <param name="NoCache">
/// <c>Cache-Control: no-cache</c>: do not read the cache; ask the upstream and store its answer (in
/// <paramref name="Entry"/> as <see cref="LlmCacheEntryOptions.ForceRefresh"/>, as the chat middleware's forced refresh).
/// </param>
/// <param name="Namespace"><c>x-llmcache-namespace</c>, or <see langword="null"/>.</param>
/// <param name="Entry">
/// The time to live (<c>max-age</c>), tags, dependencies and semantic switch of what is stored, and how stale an answer
/// the request accepts when the upstream fails (<c>stale-if-error</c>).
/// </param>
internal sealed record CacheDirectives(bool NoStore, bool NoCache, string? Namespace, LlmCacheEntryOptions Entry)
{
    public const string NamespaceHeader = "x-llmcache-namespace";
    public const string TagsHeader = "x-llmcache-tags";
    public const string DependenciesHeader = "x-llmcache-dependencies";
    public const string SemanticHeader = "x-llmcache-semantic";

    public static bool TryRead(IHeaderDictionary headers, [NotNullWhen(true)] out CacheDirectives? directives, [NotNullWhen(false)] out string? problem)
    {
        directives = null;
        problem = null;
        CacheControlHeaderValue? cacheControl = null;
        var cacheControlText = headers.CacheControl.ToString();
        if (cacheControlText.Length > 0 && !CacheControlHeaderValue.TryParse(cacheControlText, out cacheControl))
        {
            problem = $"The Cache-Control header '{cacheControlText}' cannot be read: use no-store, no-cache, max-age=SECONDS or stale-if-error=SECONDS.";
            return false;
        }

        TimeSpan? timeToLive = cacheControl?.MaxAge;
        try
        {
            LlmCacheLimits.ValidateTimeToLive(timeToLive);
            var staleIfError = StaleIfError(cacheControl);
            LlmCacheLimits.ValidateFailSafeDuration(staleIfError);
            var tags = List(headers[TagsHeader]);
            LlmCacheLimits.ValidateTags(tags);
            var dependencies = List(headers[DependenciesHeader]);
            LlmCacheLimits.ValidateDependencies(dependencies);
            bool? semantic = headers[SemanticHeader].ToString() switch
            {
                "" => null,
                "on" => true,
                "off" => false,
                var other => throw new ArgumentException($"The {SemanticHeader} header is '{other}': use on or off."),
            };

            var @namespace = headers[NamespaceHeader].ToString();
            directives = new CacheDirectives(
                cacheControl?.NoStore ?? false,
                cacheControl?.NoCache ?? false,
                @namespace.Length == 0 ? null : @namespace,
                new LlmCacheEntryOptions
                {
                    TimeToLive = timeToLive,
                    Tags = tags,
                    Dependencies = dependencies,
                    Semantic = semantic,
                    FailSafeMaxDuration = staleIfError,

                    // The cache's own forced refresh: no read, the upstream's answer stored in place of the cached one.
                    ForceRefresh = cacheControl?.NoCache ?? false,
                    FailSafeWhen = IsUpstreamFailure,

                    // The upstream call writes the caller's own response (and streams to it): it must never run on
                    // once the caller has gone, so no eager refresh and no factory timeouts (the upstream's own applies).
                    CallerBoundFactory = true,
                });
            return true;
        }
        catch (ArgumentException ex)
        {
            problem = Header(ex) + ex.Message.Split(" (Parameter", 2)[0];
            return false;
        }
    }

    /// <summary>
    /// The upstream failures a stale answer may stand in for (RFC 5861's "error": 500, 502, 503, 504; also 408 and 429, and
    /// an upstream that cannot be reached or does not answer in time). Any other error is the request's own and is passed on.
    /// </summary>
    public static bool IsUpstreamFailure(Exception exception) => exception switch
    {
        Upstreams.UpstreamAnswerException answer => answer.Status is 408 or 429 or >= 500,
        HttpRequestException or TimeoutException => true,
        OperationCanceledException => true, // the upstream timeout; the caller's own cancellation never reaches this
        _ => false,
    };

    // RFC 5861: "stale-if-error=N", an extension the header parser keeps as a name and a value.
    private static TimeSpan? StaleIfError(CacheControlHeaderValue? cacheControl)
    {
        var extension = cacheControl?.Extensions.FirstOrDefault(e => e.Name.Equals("stale-if-error", StringComparison.OrdinalIgnoreCase));
        if (extension is null)
        {
            return null;
        }

        if (!long.TryParse(extension.Value.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            throw new ArgumentException($"stale-if-error is '{extension.Value}': give it a whole number of seconds, such as stale-if-error=3600.", "failSafe");
        }

        return TimeSpan.FromSeconds(Math.Min(seconds, (long)LlmCacheLimits.MaxTimeToLive.TotalSeconds + 1));
    }

    private static string Header(ArgumentException ex) => ex.ParamName switch
    {
        "timeToLive" => "Cache-Control max-age: ",
        "failSafe" => "Cache-Control stale-if-error: ",
        "tags" or "tag" => TagsHeader + ": ",
        "dependencies" or "dependency" => DependenciesHeader + ": ",
        _ => string.Empty,
    };

    private static List<string>? List(Microsoft.Extensions.Primitives.StringValues values)
    {
        var items = values.SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        return items.Count == 0 ? null : items;
    }
}
