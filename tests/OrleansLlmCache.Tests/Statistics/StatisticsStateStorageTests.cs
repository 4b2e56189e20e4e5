using OrleansLlmCache.Abstractions.Statistics;
using OrleansLlmCache.Grains.Semantic;
using OrleansLlmCache.Grains.Statistics;
using OrleansLlmCache.Storage.PostgreSql.Storage;

namespace OrleansLlmCache.Tests.Statistics;

/// <summary>The statistics grain's state as PostgreSQL stores it (plain JSON): embedding cost, history and requests survive.</summary>
public sealed class StatisticsStateStorageTests
{
    [Fact]
    public void State_RoundTripsThroughTheJsonStorageSerializer()
    {
        var state = new CacheStatisticsState { Since = DateTimeOffset.UnixEpoch };
        state.Embedding["faq"] = new EmbeddingUsageRow("faq", 3, 40, 0.0000004m);
        state.History.Add(new StatisticsSnapshot(DateTimeOffset.UnixEpoch.AddMinutes(1), 5, 3, 0.42m, 0.0000004m));
        state.MissesByKey["t/support/abc"] = 4;
        state.WarmingRequests["t/support/abc"] = """{"v":1,"messages":[]}""";
        state.SemanticFeedback["t\u001esupport"] = new SemanticFeedbackRow("t", "support", 7, 2, 1);
        var serializer = new JsonGrainStorageSerializer();

        var read = serializer.Deserialize<CacheStatisticsState>(serializer.Serialize(state));

        Assert.Equal(state.Embedding["faq"], read.Embedding["faq"]);
        Assert.Equal(state.History, read.History);
        Assert.Equal(state.WarmingRequests, read.WarmingRequests);
        Assert.Equal(0.42m - 0.0000004m, read.History[0].NetSaved);
        Assert.Equal(state.SemanticFeedback, read.SemanticFeedback);
    }

    [Fact]
    public void ASemanticScopesFeedback_RoundTripsThroughTheJsonStorageSerializer()
    {
        var state = new SemanticFeedbackState { Reports = [new SemanticFeedbackReport(0.62, Wrong: true, DateTimeOffset.UnixEpoch), new SemanticFeedbackReport(0.9, Wrong: false, DateTimeOffset.UnixEpoch.AddHours(1))] };
        var serializer = new JsonGrainStorageSerializer();

        var read = serializer.Deserialize<SemanticFeedbackState>(serializer.Serialize(state));

        Assert.Equal(state.Reports, read.Reports);
    }
}
