using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OrleansLlmCache.Abstractions.Keys;
using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Abstractions.Semantic;
using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Client.Caching;
using OrleansLlmCache.Tests.Gateway;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Semantic;

/// <summary>
/// Feedback on semantic hits against the real cluster and model: hit ids, reports and their statistics, the acceptance
/// bar that adapts to a maximum error rate, the application's verifier, and the gateway's feedback endpoint.
/// </summary>
[Collection(SemanticClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SemanticFeedbackTests(SemanticClusterFixture fixture)
{
    private const string Tenant = "tests";
    private const string Question = "How do I reset my password?";
    private const string Paraphrase = "How can I reset my password?";

    private readonly string _namespace = "semantic:" + Guid.NewGuid().ToString("N")[..12];

    private ILlmCache Cache => fixture.Cache;

    [Fact]
    public async Task SemanticHits_CarryAHitIdOfTheirScope_AndOtherAnswersNone()
    {
        var miss = await AskAsync(Question);
        var hit = await AskAsync(Paraphrase);
        var again = await AskAsync(Paraphrase);
        var exact = await AskAsync(Question);

        Assert.Equal(LlmCacheSource.Origin, miss.Source);
        Assert.Null(miss.Semantic);
        Assert.Equal(LlmCacheSource.Hit, exact.Source);
        Assert.Null(exact.Semantic);
        Assert.Equal(LlmCacheSource.SemanticHit, hit.Source);
        Assert.Equal(LlmCacheSource.SemanticHit, again.Source);
        Assert.True(SemanticHitId.TryParse(hit.Semantic!.HitId, out var id));
        Assert.Equal(Prompt(Paraphrase).Scope, id.Scope);
        Assert.NotEqual(hit.Semantic.HitId, again.Semantic!.HitId); // each hit its own id
    }

    [Fact]
    public async Task Feedback_IsRecordedOncePerHit_AndShownPerNamespaceInTheStatistics()
    {
        await AskAsync(Question);
        var wrong = (await AskAsync(Paraphrase)).Semantic!.HitId!;
        var right = (await AskAsync(Paraphrase)).Semantic!.HitId!;

        Assert.True(await Cache.ReportSemanticFeedbackAsync(wrong, correct: false));
        Assert.True(await Cache.ReportSemanticFeedbackAsync(wrong, correct: false)); // known, and counted once
        Assert.True(await Cache.ReportSemanticFeedbackAsync(wrong, correct: true)); // the first verdict stands
        Assert.True(await Cache.ReportSemanticFeedbackAsync(right, correct: true));

        var row = Assert.Single((await StatisticsAsync()).SemanticFeedback, f => f.Tenant == Tenant && f.Namespace == _namespace);
        Assert.Equal((1, 1, 0), (row.ReportedCorrect, row.ReportedWrong, row.VerifierRefusals));
        Assert.Equal(0.5, row.ErrorRate);
        Assert.InRange(row.ErrorRateUpperBound, 0.9, 1.0); // two reports prove little
        await Eventually.WaitUntilAsync(
            async () => (await StatisticsAsync()).Rows.Where(r => r.Tenant == Tenant).Sum(r => r.Namespace == _namespace && r.Outcome == ClusterStatistics.SemanticOutcome ? r.Count : 0) == 2,
            TimeSpan.FromSeconds(30),
            () => "the app server's report of its two semantic hits did not reach the statistics");
    }

    [Fact]
    public async Task UnknownForgottenAndMalformedHitIds_AreRefusedWithFalse()
    {
        await AskAsync(Question);
        var hit = (await AskAsync(Paraphrase)).Semantic!.HitId!;
        Assert.True(SemanticHitId.TryParse(hit, out var id));

        Assert.False(await Cache.ReportSemanticFeedbackAsync(SemanticHitId.New(id.Scope).ToString(), correct: false)); // never served
        Assert.False(await Cache.ReportSemanticFeedbackAsync("not a hit id", correct: false));
        Assert.False(await Cache.ReportSemanticFeedbackAsync(hit[..^1] + (hit[^1] == '0' ? '1' : '0'), correct: false));
        await Assert.ThrowsAsync<ArgumentException>(() => Cache.ReportSemanticFeedbackAsync("", correct: false).AsTask());

        // A day later the hit may no longer be reported on.
        fixture.Time.Advance(TimeSpan.FromHours(25));
        Assert.False(await Cache.ReportSemanticFeedbackAsync(hit, correct: false));
        Assert.DoesNotContain((await StatisticsAsync()).SemanticFeedback, f => f.Namespace == _namespace);
    }

    [Fact]
    public async Task WrongReports_RaiseTheScopesBar_UntilTheSamePairNoLongerHits_AndRightOnesNeverLowerItBelowTheDefault()
    {
        var adaptive = SemanticClusterFixture.PolicyAdaptive + ":" + Guid.NewGuid().ToString("N")[..8];
        var calls = 0;
        await AskAsync(Question, adaptive, () => calls++);
        for (var i = 0; i < SemanticClusterFixture.FeedbackMinimumReports; i++)
        {
            var hit = await AskAsync(Paraphrase, adaptive, () => calls++);
            Assert.Equal(LlmCacheSource.SemanticHit, hit.Source); // the bar holds until the reports are enough to judge
            Assert.True(await Cache.ReportSemanticFeedbackAsync(hit.Semantic!.HitId!, correct: false));
        }

        var after = await AskAsync(Paraphrase, adaptive, () => calls++);

        Assert.Equal(LlmCacheSource.Origin, after.Source);
        Assert.Equal(2, calls);
        var feedback = fixture.Grains.GetGrain<ISemanticFeedbackGrain>(Prompt(Paraphrase, adaptive).Scope.ToGrainKey());
        var raised = await feedback.GetMinimumProbabilityAsync(0.4, 0.5);
        Assert.InRange(raised, 0.45, 1.0);

        // Another scope whose hits are all reported right keeps the shipped default, however many reports it gets.
        var sound = SemanticClusterFixture.PolicyAdaptive + ":" + Guid.NewGuid().ToString("N")[..8];
        await AskAsync(Question, sound);
        for (var i = 0; i < SemanticClusterFixture.FeedbackMinimumReports * 2; i++)
        {
            var hit = await AskAsync(Paraphrase, sound);
            Assert.Equal(LlmCacheSource.SemanticHit, hit.Source);
            Assert.True(await Cache.ReportSemanticFeedbackAsync(hit.Semantic!.HitId!, correct: true));
        }

        Assert.Equal(0.4, await fixture.Grains.GetGrain<ISemanticFeedbackGrain>(Prompt(Paraphrase, sound).Scope.ToGrainKey()).GetMinimumProbabilityAsync(0.4, 0.5));
        Assert.Equal(LlmCacheSource.SemanticHit, (await AskAsync(Paraphrase, sound)).Source);
    }

    [Fact]
    public async Task TheVerifier_SayingYes_ServesTheHit_AndSayingNo_TurnsItIntoAMissCountedAsARefusal()
    {
        var calls = 0;
        await AskAsync(Question, onOrigin: () => calls++);
        var accepted = await AskAsync(Paraphrase, onOrigin: () => calls++);

        Assert.Equal(LlmCacheSource.SemanticHit, accepted.Source);
        Assert.Contains(fixture.VerifierAsked, v => v.Namespace == _namespace && v.Prompt == Paraphrase && v.CachedPrompt == Question && v.Score == accepted.Semantic!.Score);

        var refusing = "semantic:" + Guid.NewGuid().ToString("N")[..12];
        fixture.VerifierRefuses[(refusing, Paraphrase)] = true;
        await AskAsync(Question, refusing, () => calls++);
        var refused = await AskAsync(Paraphrase, refusing, () => calls++);

        Assert.Equal(LlmCacheSource.Origin, refused.Source);
        Assert.Equal("answer to " + Paraphrase, refused.Response.Content);
        Assert.Null(refused.Semantic);
        Assert.Equal(3, calls);
        var row = Assert.Single((await StatisticsAsync()).SemanticFeedback, f => f.Namespace == refusing);
        Assert.Equal((0, 0, 1), (row.ReportedCorrect, row.ReportedWrong, row.VerifierRefusals));
    }

    [Fact]
    public async Task TheGateway_SendsTheHitIdHeader_AndTakesFeedback_404ForUnknownOrAnotherTenantsIds_400NamingTheField()
    {
        await using var gateway = await GatewayHost.StartAsync(Cache, fixture.Grains);
        using var http = gateway.CreateHttpClient();
        await ChatAsync(http, Question);
        using var hit = await ChatAsync(http, Paraphrase);
        Assert.Equal("semantic-hit", hit.Headers.GetValues("x-llmcache-status").Single());
        var hitId = hit.Headers.GetValues("x-llmcache-semantic-hit-id").Single();

        using var recorded = await FeedbackAsync(http, $$"""{"hit_id":"{{hitId}}","correct":false}""");
        using var otherTenant = await FeedbackAsync(gateway.CreateHttpClient(GatewayHost.KeyB), $$"""{"hit_id":"{{hitId}}","correct":false}""");
        using var unknown = await FeedbackAsync(http, $$"""{"hit_id":"{{SemanticHitId.New(new SemanticScope(GatewayHost.TenantA, new string('a', 64)))}}","correct":true}""");
        using var noVerdict = await FeedbackAsync(http, $$"""{"hit_id":"{{hitId}}","correct":"no"}""");
        using var noId = await FeedbackAsync(http, """{"correct":true}""");

        Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        Assert.True(JsonNode.Parse(await recorded.Content.ReadAsStringAsync())!["recorded"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NotFound, otherTenant.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noVerdict.StatusCode);
        Assert.Equal("correct", JsonNode.Parse(await noVerdict.Content.ReadAsStringAsync())!["error"]!["param"]!.GetValue<string>());
        Assert.Equal("hit_id", JsonNode.Parse(await noId.Content.ReadAsStringAsync())!["error"]!["param"]!.GetValue<string>());
        var row = Assert.Single((await StatisticsAsync()).SemanticFeedback, f => f.Tenant == GatewayHost.TenantA && f.Namespace == _namespace);
        Assert.Equal(1, row.ReportedWrong);
    }

    private async Task<HttpResponseMessage> ChatAsync(HttpClient http, string question)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions")
        {
            Content = new StringContent($$"""{"model":"gpt-4","messages":[{"role":"user","content":"{{question}}"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-llmcache-namespace", _namespace);
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    private static Task<HttpResponseMessage> FeedbackAsync(HttpClient http, string body) =>
        http.PostAsync("cache/semantic-feedback", new StringContent(body, Encoding.UTF8, "application/json"));

    private Task<ClusterStatistics> StatisticsAsync() => fixture.Grains.GetGrain<ICacheStatisticsGrain>(ICacheStatisticsGrain.Key).GetAsync();

    private SemanticPrompt Prompt(string text, string? @namespace = null) =>
        SemanticPrompt.For(new PromptRequest(text, "gpt-4", 0.0, 500, "You are a helpful support agent."), Tenant, @namespace ?? _namespace);

    private async Task<LlmCacheResult> AskAsync(string text, string? @namespace = null, Action? onOrigin = null) =>
        await Cache.GetOrCreateAsync(Prompt(text, @namespace), _ =>
        {
            onOrigin?.Invoke();
            return ValueTask.FromResult(new CachedResponse("answer to " + text, "gpt-4", 10, 20));
        });
}
