using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using OrleansLlmCache.Abstractions;
using OrleansLlmCache.Client.Caching;

namespace OrleansLlmCache.Gateway.Http;

/// <summary>What a request asks of the cache, read from its headers (documented in docs/gateway.md).</summary>
/// <param name="NoStore"><c>Cache-Control: no-store</c>: neither read nor write the cache.</param>
/// <param name="NoCache"><c>Cache-Control: no-cache</c>: do not read the cache; ask the upstream and store its answer.</param>
/// <param name="Namespace"><c>x-llmcache-namespace</c>, or <see langword="null"/>.</param>
/// <param name="Entry">The time to live (<c>max-age</c>), tags, dependencies and semantic switch of what is stored.</param>
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
            problem = $"The Cache-Control header '{cacheControlText}' cannot be read: use no-store, no-cache or max-age=SECONDS.";
            return false;
        }

        TimeSpan? timeToLive = cacheControl?.MaxAge;
        try
        {
            LlmCacheLimits.ValidateTimeToLive(timeToLive);
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
                new LlmCacheEntryOptions { TimeToLive = timeToLive, Tags = tags, Dependencies = dependencies, Semantic = semantic });
            return true;
        }
        catch (ArgumentException ex)
        {
            problem = Header(ex) + ex.Message.Split(" (Parameter", 2)[0];
            return false;
        }
    }

    private static string Header(ArgumentException ex) => ex.ParamName switch
    {
        "timeToLive" => "Cache-Control max-age: ",
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
