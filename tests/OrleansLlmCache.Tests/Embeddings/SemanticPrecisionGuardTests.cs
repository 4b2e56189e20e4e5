using OrleansLlmCache.Embeddings.Guard;

namespace OrleansLlmCache.Tests.Embeddings;

/// <summary>Each rule with a near neighbour it must refuse and a paraphrase it must let through.</summary>
public sealed class SemanticPrecisionGuardTests
{
    [Theory]
    [InlineData("flights under 4 hours from London", "flights under 8 hours from London")]
    [InlineData("top 5 coffee shops in Seattle", "top 10 coffee shops in Seattle")]
    [InlineData("give me three citations about GPT-4", "ten references about GPT-4")]
    [InlineData("show top 3 restaurants", "list five restaurants")]
    [InlineData("GDP of Japan in 2020", "Japan GDP latest")]
    [InlineData("download Ubuntu 22.04 ISO", "download Ubuntu 24.04 ISO")]
    [InlineData("changelog for forum v3.2", "changelog for forum v3.3")]
    [InlineData("iPhone 15 price", "iPhone 16 price")]
    [InlineData("laptops under $1,000", "laptops under $1,500")]
    public void Numbers_ThatDiffer_AreRefused(string prompt, string cached) => AssertRefused(GuardReason.Number, prompt, cached);

    [Theory]
    [InlineData("top 5 coffee shops in Seattle", "best five coffee shops in Seattle")]
    [InlineData("define photosynthesis in one sentence", "give a definition of photosynthesis in a sentence")]
    [InlineData("laptops under $1,000", "laptops below 1000 dollars")]
    [InlineData("a city of one hundred thousand people", "a city of 100,000 people")]
    [InlineData("explain CAP theorem like I'm five", "ELI5 CAP theorem explanation")]
    [InlineData("k8s liveness vs readiness probe", "kubernetes liveness vs readiness probe")]
    public void Numbers_WrittenDifferently_Pass(string prompt, string cached) => AssertPasses(prompt, cached);

    [Theory]
    [InlineData("restaurants in Paris under €30", "Paris restaurants under $30")]
    [InlineData("bake for 4 hours at low heat", "bake for 4 minutes at low heat")]
    [InlineData("a 10 km run plan", "a 10 mile run plan")]
    public void Units_ThatDiffer_AreRefused(string prompt, string cached) => AssertRefused(GuardReason.Unit, prompt, cached);

    [Theory]
    [InlineData("a 10 km run plan", "a 10 kilometer run plan")]
    [InlineData("convert 100°F to Celsius", "100 Fahrenheit in Celsius")]
    [InlineData("cook rice for 20 min", "cook rice for 20 minutes")]
    public void Units_WrittenDifferently_Pass(string prompt, string cached) => AssertPasses(prompt, cached);

    [Theory]
    [InlineData("Explain TLS with links", "Explain TLS with no links")]
    [InlineData("is the v1 API deprecated", "is the v1 API not deprecated")]
    [InlineData("pesto recipe with nuts", "nut-free pesto recipe")]
    [InlineData("hotels with parking in Rome", "hotels without parking in Rome")]
    [InlineData("why does my build use the cache", "why doesn't my build use the cache")]
    public void Negation_OfAWordTheOtherStatesPlainly_IsRefused(string prompt, string cached) =>
        AssertRefused(GuardReason.Negation, prompt, cached);

    [Theory]
    [InlineData("Recipe for pesto (nut-free)", "nut-free pesto recipe")]
    [InlineData("the page does not exist in v2", "the page is not available in v2")]
    [InlineData("load an audio dataset without writing any code", "load an audio dataset automatically, coding is unnecessary")]
    [InlineData("trim a video without re-encoding in ffmpeg", "ffmpeg trim video without reencoding")]
    [InlineData("list not only the errors but also the warnings", "list the errors and the warnings")]
    public void Negation_OnBothSidesOrRephrased_Passes(string prompt, string cached) => AssertPasses(prompt, cached);

    [Theory]
    [InlineData("weather in Paris this weekend", "weather in Lyon this weekend")]
    [InlineData("install Grafana on a small VM", "install Kibana on a small VM")]
    [InlineData("monitoring Kafka consumer lag", "monitoring Pulsar consumer lag")]
    public void Names_ThatDiffer_AreRefused(string prompt, string cached) => AssertRefused(GuardReason.Entity, prompt, cached);

    [Theory]
    [InlineData("price of iphone 16 in the US", "iphone 16 cost in the United States")]
    [InlineData("how to backup mariaDB daily", "daily backup for MariaDB")]
    [InlineData("the datasets.Metric class", "the Metric class of datasets")]
    [InlineData("save datasets in a Pythonic way", "save datasets the way Python does")]
    [InlineData("best pizza in Naples", "best pizza places in Naples, Italy")]
    public void Names_Rewritten_OrAddedOnOneSide_Pass(string prompt, string cached) => AssertPasses(prompt, cached);

    [Theory]
    [InlineData("Give me synonyms of 'glad'", "Give me synonyms of 'happy'")]
    [InlineData("find 'site:europa.eu GDPR guidelines pdf'", "GDPR guidelines site:europa.eu")]
    [InlineData("what does `git rebase` do", "what does git merge do")]
    public void QuotedText_MissingFromTheOther_IsRefused(string prompt, string cached) => AssertRefused(GuardReason.QuotedText, prompt, cached);

    [Theory]
    [InlineData("Who wrote 'Pride and Prejudice'?", "Author of 'Pride and Prejudice'")]
    [InlineData("Give me synonyms of 'happy'", "List synonyms for happy")]
    [InlineData("what does `interleave_datasets()` do", "explain the interleave_datasets() function")]
    public void QuotedText_PresentInTheOther_Passes(string prompt, string cached) => AssertPasses(prompt, cached);

    [Theory]
    [InlineData("phones cheaper than the Pixel", "phones more expensive than the Pixel")]
    [InlineData("hotels with at least 4 stars", "hotels with at most 4 stars")]
    [InlineData("release notes after:2025-01-01", "release notes before:2025-01-01")]
    [InlineData("what to do before a job interview", "what to do after a job interview")]
    [InlineData("the max of a list in python", "the min of a list in python")]
    public void Comparisons_ThatOppose_AreRefused(string prompt, string cached) => AssertRefused(GuardReason.Comparison, prompt, cached);

    [Theory]
    [InlineData("show restaurants with rating ≥4.5", "list restaurants rated at least 4.5")]
    [InlineData("posts with more than 50 upvotes", "posts with over 50 upvotes")]
    public void Comparisons_Rephrased_Pass(string prompt, string cached) => AssertPasses(prompt, cached);

    [Theory]
    [InlineData("nearest EV charging station", "cheapest EV charging station")]
    [InlineData("best laptops for students", "worst laptops for students")]
    [InlineData("latest stable Kubernetes release", "oldest stable Kubernetes release")]
    public void Rankings_ThatDiffer_AreRefused(string prompt, string cached) => AssertRefused(GuardReason.Ranking, prompt, cached);

    [Theory]
    [InlineData("best hiking trails near Denver", "top hiking trails near Denver")]
    [InlineData("latest stable Kubernetes version", "current stable Kubernetes release")]
    [InlineData("pin a helpful answer to top", "pin a helpful answer")]
    public void Rankings_ThatAgree_OrAreOneSided_Pass(string prompt, string cached) => AssertPasses(prompt, cached);

    [Theory]
    [InlineData("convert 10 USD to EUR", "convert 10 EUR to USD")]
    [InlineData("convert Markdown to HTML", "convert HTML to Markdown")]
    [InlineData("threads about migrating from svn to git", "threads about migrating from git to svn")]
    [InlineData("split monolith into microservices pitfalls", "split microservices into monolith pitfalls")]
    [InlineData("convert 100°F to Celsius", "100 Celsius in Fahrenheit")]
    public void Directions_ThatAreReversed_AreRefused(string prompt, string cached) => AssertRefused(GuardReason.Direction, prompt, cached);

    [Theory]
    [InlineData("convert Markdown to HTML", "turn Markdown into HTML")]
    [InlineData("migrate from yarn to pnpm steps", "steps to migrate from yarn to pnpm")]
    [InlineData("Flights from London to Tokyo in June", "June flights London→Tokyo")]
    [InlineData("restore a locked account steps", "steps to restore a locked account")]
    public void Directions_ThatAgree_Pass(string prompt, string cached) => AssertPasses(prompt, cached);

    [Theory]
    [InlineData("convert csv to parquet with python", "convert csv to parquet with java")]
    [InlineData("migrate from yarn to pnpm steps", "migrate from yarn to npm steps")]
    [InlineData("Sort array ascending in JavaScript", "JS: sort an array descending")]
    [InlineData("3d printing beginner mistakes", "3d printing advanced mistakes")]
    [InlineData("post office hours today in Chicago", "Chicago post office hours tomorrow")]
    [InlineData("translate this to German (informal)", "translate this to German (formal)")]
    [InlineData("translate to Portuguese (pt-BR)", "translate to Portuguese (pt-PT)")]
    [InlineData("find moderator announcements in July 2025", "find moderator announcements in June 2025")]
    [InlineData("Give me synonyms of happy", "Give antonyms of happy")]
    public void Terms_FromOneClosedSet_ThatDiffer_AreRefused(string prompt, string cached) => AssertRefused(GuardReason.Term, prompt, cached);

    [Theory]
    [InlineData("best IDE for Rust beginners", "good starter IDE for Rust")]
    [InlineData("Sort array ascending in JavaScript", "JS: sort an array ascending")]
    [InlineData("postgres backup strategies", "PostgreSQL backup strategies")]
    [InlineData("mac shortcuts for window management", "window management shortcuts mac")]
    [InlineData("what may cause a memory leak", "what might cause a memory leak")]
    public void Terms_Synonymous_OrNotTerms_Pass(string prompt, string cached) => AssertPasses(prompt, cached);

    [Theory]
    [InlineData("site:imperial.ac.uk machine learning syllabus", "machine learning syllabus site:ox.ac.uk")]
    [InlineData("sort:recent tag:announcements outage report", "sort:top tag:announcements outage report")]
    public void SearchOperators_WithOtherValues_AreRefused(string prompt, string cached) =>
        AssertRefused(GuardReason.SearchOperator, prompt, cached);

    [Theory]
    [InlineData("site:docs.python.org asyncio tutorial", "asyncio tutorial site:docs.python.org")]
    [InlineData("after:2025-06-01 sort:recent tag:release", "tag:release sort:recent after:2025-06-01")]
    public void SearchOperators_Reordered_Pass(string prompt, string cached) => AssertPasses(prompt, cached);

    [Fact]
    public void Decide_BelowTheThreshold_IsAMissWithTheScoreInTheExplanation()
    {
        var decision = new SemanticPrecisionGuard().Decide("what is Orleans", "what is Orleans", 0.8f);

        Assert.False(decision.IsHit);
        Assert.Equal(GuardReason.BelowThreshold, decision.Reason);
        Assert.Equal("similarity 0.800 is below the threshold 0.85", decision.Explanation);
    }

    [Fact]
    public void Decide_WithRulesOnly_HitsOnlyWhenNoRuleFires_AndExplainsARefusal()
    {
        var guard = new SemanticPrecisionGuard(new SemanticMatchOptions { MinimumProbability = null });

        var hit = guard.Decide("top 5 coffee shops in Seattle", "best five coffee shops in Seattle", 0.957f);
        var refused = guard.Decide("top 5 coffee shops in Seattle", "top 10 coffee shops in Seattle", 0.975f);

        Assert.Equal(new SemanticMatchDecision(true, 0.957f, GuardReason.None, string.Empty), hit);
        Assert.False(refused.IsHit);
        Assert.Equal(GuardReason.Number, refused.Reason);
        Assert.Equal("numbers differ: '5' (new) vs '10' (cached)", refused.Explanation);
        Assert.Null(refused.Probability);
    }

    [Fact]
    public void Decide_Calibrated_ByDefault_GivesAProbability_AndARefusalNamesTheDecidingSignal()
    {
        var guard = new SemanticPrecisionGuard();

        var hit = guard.Decide("top 5 coffee shops in Seattle", "best five coffee shops in Seattle", 0.957f);
        var number = guard.Decide("top 5 coffee shops in Seattle", "top 10 coffee shops in Seattle", 0.975f);
        var direction = guard.Decide("convert Markdown to HTML", "convert HTML to Markdown", 0.994f);

        Assert.Equal(SemanticMatchOptions.DefaultMinimumProbability, new SemanticMatchOptions().MinimumProbability);
        Assert.True(hit.IsHit, hit.ToString());
        Assert.InRange(hit.Probability!.Value, SemanticMatchOptions.DefaultMinimumProbability, 1);
        Assert.False(number.IsHit);
        Assert.Equal(GuardReason.Number, number.Reason);
        Assert.StartsWith("numbers differ: '5' (new) vs '10' (cached) (probability 0.", number.Explanation, StringComparison.Ordinal);
        Assert.False(direction.IsHit);
        Assert.Equal(GuardReason.Direction, direction.Reason);
        Assert.True(number.Probability < 0.5 && direction.Probability < 0.5, $"{number.Probability} {direction.Probability}");
    }

    [Fact]
    public void Decide_Calibrated_ATargetOfTheNamespace_MovesTheLine()
    {
        // The same pair under a lenient and a strict target: the probability is the pair's, the target the namespace's.
        var lenient = new SemanticPrecisionGuard(new SemanticMatchOptions { MinimumProbability = 0.05 });
        var strict = new SemanticPrecisionGuard(new SemanticMatchOptions { MinimumProbability = 0.99 });

        var accepted = lenient.Decide("how do I reset my password", "how can I change my password", 0.88f);
        var refused = strict.Decide("how do I reset my password", "how can I change my password", 0.88f);

        Assert.True(accepted.IsHit, accepted.ToString());
        Assert.False(refused.IsHit);
        Assert.Equal(accepted.Probability, refused.Probability);
        Assert.Contains("below 0.99", refused.Explanation, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new SemanticPrecisionGuard(new SemanticMatchOptions { MinimumProbability = 1 }));
        Assert.Throws<ArgumentException>(() => new SemanticPrecisionGuard(new SemanticMatchOptions { MinimumProbability = double.NaN }));
    }

    [Fact]
    public void Decide_WithTheGuardOff_OrAnotherThreshold_FollowsTheOptions()
    {
        var off = new SemanticPrecisionGuard(new SemanticMatchOptions { UseGuard = false });
        var strict = new SemanticPrecisionGuard(new SemanticMatchOptions { Threshold = 0.95f });

        Assert.True(off.Decide("top 5 coffee shops", "top 10 coffee shops", 0.975f).IsHit);
        Assert.Equal(0.85f, new SemanticMatchOptions().Threshold);
        Assert.Equal(GuardReason.BelowThreshold, strict.Decide("best hiking trails", "top hiking trails", 0.94f).Reason);
        Assert.Throws<ArgumentException>(() => new SemanticPrecisionGuard(new SemanticMatchOptions { Threshold = 1.5f }));
    }

    private static void AssertRefused(GuardReason expected, string prompt, string cached)
    {
        var (reason, explanation) = SemanticPrecisionGuard.Check(prompt, cached);
        Assert.True(expected == reason, $"expected {expected} for \"{prompt}\" / \"{cached}\", got {reason} ({explanation})");
        Assert.False(string.IsNullOrWhiteSpace(explanation));
    }

    private static void AssertPasses(string prompt, string cached)
    {
        var (reason, explanation) = SemanticPrecisionGuard.Check(prompt, cached);
        Assert.True(reason == GuardReason.None, $"expected \"{prompt}\" / \"{cached}\" to pass, got {reason}: {explanation}");
        Assert.Equal(reason, SemanticPrecisionGuard.Check(cached, prompt).Reason); // symmetric
    }
}
