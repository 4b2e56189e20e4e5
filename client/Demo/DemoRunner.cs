using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using OrleansLlmCache.Cli.Origins;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Chat;

namespace OrleansLlmCache.Cli.Demo;

/// <summary>
/// Replays a workload through the chat-client middleware in front of an origin, with bounded concurrency as an app
/// server would, and measures what the cache saved.
/// </summary>
internal sealed class DemoRunner(ILlmCache cache, IChatClient origin, string? modelOverride, string description)
{
    private readonly NamespacedChatClients _pipelines = new(cache, origin);

    public async Task<DemoReport> RunAsync(IReadOnlyList<WorkloadRequest> workload, int concurrency, Action? onRequestDone, CancellationToken cancellationToken)
    {
        var outcomes = new ConcurrentBag<(string Source, TimeSpan Elapsed, string Model, long Input, long Output)>();
        var wall = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            workload,
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (request, ct) =>
            {
                var (messages, options) = ToChat(request, modelOverride);
                var started = Stopwatch.GetTimestamp();
                var response = await _pipelines.For(request.Namespace).GetResponseAsync(messages, options, ct);
                var elapsed = Stopwatch.GetElapsedTime(started);
                var source = response.AdditionalProperties?.TryGetValue(OrleansLlmCacheChatClient.SourceProperty, out var value) == true
                    ? value?.ToString() ?? "Origin"
                    : "Origin";
                outcomes.Add((source, elapsed, options.ModelId!, response.Usage?.InputTokenCount ?? 0, response.Usage?.OutputTokenCount ?? 0));
                onRequestDone?.Invoke();
            });
        wall.Stop();

        var all = outcomes.ToList();
        bool IsHit(string source) => source is nameof(LlmCacheSource.Hit) or nameof(LlmCacheSource.Coalesced);
        var savings = all
            .GroupBy(o => o.Model, StringComparer.Ordinal)
            .Select(g =>
            {
                var hits = g.Where(o => IsHit(o.Source)).ToList();
                var misses = g.Where(o => !IsHit(o.Source)).ToList();
                var input = hits.Sum(o => o.Input);
                var output = hits.Sum(o => o.Output);
                return new ModelSavings(
                    g.Key,
                    input,
                    output,
                    ModelPricing.Cost(g.Key, input, output),
                    ModelPricing.Cost(g.Key, misses.Sum(o => o.Input), misses.Sum(o => o.Output)),
                    ModelPricing.IsKnown(g.Key));
            })
            .OrderBy(s => s.Model, StringComparer.Ordinal)
            .ToList();

        return new DemoReport(
            description,
            all.Count,
            all.Count(o => o.Source == nameof(LlmCacheSource.Hit)),
            all.Count(o => o.Source == nameof(LlmCacheSource.Coalesced)),
            all.Count(o => !IsHit(o.Source)),
            (origin as SimulatedOrigin)?.Calls,
            all.Where(o => IsHit(o.Source)).Select(o => o.Elapsed).ToList(),
            all.Where(o => !IsHit(o.Source)).Select(o => o.Elapsed).ToList(),
            savings,
            wall.Elapsed);
    }

    /// <summary>The chat messages and options of a workload line (the model replaced when the origin is a real endpoint).</summary>
    public static (List<ChatMessage> Messages, ChatOptions Options) ToChat(WorkloadRequest request, string? modelOverride)
    {
        var messages = new List<ChatMessage>();
        // No system prompt is "" (as in the five-field key): an empty one adds no message, so both give one key.
        if (!string.IsNullOrEmpty(request.System))
        {
            messages.Add(new ChatMessage(ChatRole.System, request.System));
        }

        messages.AddRange(request.Messages.Select(m => new ChatMessage(new ChatRole(m.Role), m.Content)));
        var options = new ChatOptions
        {
            ModelId = modelOverride ?? request.Model,
            Temperature = request.Temperature,
            MaxOutputTokens = request.MaxTokens,
        };
        return (messages, options);
    }
}
