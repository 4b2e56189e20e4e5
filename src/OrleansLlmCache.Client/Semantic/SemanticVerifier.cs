using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansLlmCache.Abstractions.Semantic;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Client.Diagnostics;

namespace OrleansLlmCache.Client.Semantic;

/// <summary>
/// The application's second opinion on a semantic hit, asked on the app server after the silo found it and before it
/// is served (<see cref="SemanticCacheOptions.Verifier"/>, or a keyed <see cref="IChatClient"/>). A refusal turns the
/// hit into a miss and is reported to the scope's feedback (a verifier refusal in the statistics). A verifier that
/// fails or does not answer in time refuses: a wrong answer costs more than an origin call.
/// </summary>
internal sealed partial class SemanticVerifier(IServiceProvider services, LlmCacheOptions options, SemanticLookup lookup, CacheOutcomeObserver observer, ILogger logger)
{
    private const string Question =
        "You compare two user questions. Answer with one word: yes if an answer to the first fully and correctly answers "
        + "the second (they ask the same thing), no otherwise (different numbers, names, negation, direction or scope).";

    private readonly SemanticCacheOptions _options = options.Semantic;
    private IChatClient? _chat;

    /// <summary>Whether hits in <paramref name="namespace"/> are verified: a verifier is configured and the namespace's policy does not turn it off.</summary>
    public bool AppliesTo(string @namespace) =>
        (_options.Verifier is not null || _options.VerifierChatClientKey is not null)
        && Policies.NamespacePolicies.Resolve(options, @namespace)?.SemanticVerify != false;

    /// <summary>Whether the hit may be served; a refusal is reported to the scope's feedback.</summary>
    public async Task<bool> AcceptsAsync(SemanticPrompt prompt, SemanticMatch match, CancellationToken cancellationToken)
    {
        var verification = new SemanticVerification(prompt.Key.Namespace, prompt.Text, match.MatchedPrompt, match.Score);
        bool accepted;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(options.OperationTimeout + TimeSpan.FromSeconds(5));
            try
            {
                accepted = _options.Verifier is { } verifier
                    ? await verifier(verification, timeout.Token)
                    : await AskChatClientAsync(prompt, verification, timeout.Token);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                Log.VerifierFailed(logger, prompt.Key.ToGrainKey(), ex.Message, ex);
                accepted = false;
            }
        }

        if (!accepted && match.HitId is { } hitId)
        {
            try
            {
                await lookup.ReportAsync(hitId, SemanticVerdict.VerifierRefused, CancellationToken.None);
            }
            catch (Exception ex)
            {
                // Only the statistics miss the refusal; the caller gets the origin's answer either way.
                Log.VerifierFailed(logger, prompt.Key.ToGrainKey(), "its refusal could not be counted: " + ex.Message, ex);
            }
        }

        return accepted;
    }

    private async Task<bool> AskChatClientAsync(SemanticPrompt prompt, SemanticVerification verification, CancellationToken cancellationToken)
    {
        _chat ??= services.GetRequiredKeyedService<IChatClient>(_options.VerifierChatClientKey);
        var started = Stopwatch.GetTimestamp();
        var response = await _chat.GetResponseAsync(
            [
                new ChatMessage(ChatRole.System, Question),
                new ChatMessage(ChatRole.User, $"First question: {verification.CachedPrompt}\nSecond question: {verification.Prompt}\nDo they ask the same thing? Answer yes or no."),
            ],
            new ChatOptions { Temperature = 0, MaxOutputTokens = 3 },
            cancellationToken);
        var model = response.ModelId ?? _chat.GetService<ChatClientMetadata>()?.DefaultModelId ?? "verifier";
        observer.OnVerified(prompt.Key, model, Stopwatch.GetElapsedTime(started), response.Usage?.InputTokenCount ?? 0, response.Usage?.OutputTokenCount ?? 0);
        return response.Text.TrimStart().StartsWith("yes", StringComparison.OrdinalIgnoreCase);
    }

    private static partial class Log
    {
        [LoggerMessage(2011, LogLevel.Warning, "The semantic verifier failed for {Key}; the hit is refused: {Reason}")]
        public static partial void VerifierFailed(ILogger logger, string key, string reason, Exception exception);
    }
}
