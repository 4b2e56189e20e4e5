using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions;
using OrleansLlmCache.Abstractions.Keys;

namespace OrleansLlmCache.Client.Caching;

/// <summary>Checks <see cref="LlmCacheOptions"/> at start-up and reports every wrong setting at once, each with how to fix it.</summary>
internal sealed class LlmCacheOptionsValidator : IValidateOptions<LlmCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, LlmCacheOptions options)
    {
        var failures = new List<string>();
        Check(() => new CacheKey(options.Tenant, options.Namespace, "x").Validate(), failures);
        Check(() => LlmCacheLimits.ValidateTimeToLive(options.DefaultTimeToLive), failures, nameof(options.DefaultTimeToLive));
        if (options.OperationTimeout <= TimeSpan.Zero || options.OperationTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{LlmCacheOptions.SectionName}:{nameof(options.OperationTimeout)} must be between 0 and 1 minute; got {options.OperationTimeout}.");
        }

        if (options.SingleFlightWaitPerCall <= TimeSpan.Zero || options.SingleFlightWaitPerCall >= TimeSpan.FromSeconds(30))
        {
            failures.Add($"{LlmCacheOptions.SectionName}:{nameof(options.SingleFlightWaitPerCall)} must be between 0 and 30 seconds; got {options.SingleFlightWaitPerCall}.");
        }

        if (options.InvalidationRenewInterval <= TimeSpan.Zero || options.InvalidationRenewInterval > TimeSpan.FromSeconds(30))
        {
            failures.Add($"{LlmCacheOptions.SectionName}:{nameof(options.InvalidationRenewInterval)} must be between 0 and 30 seconds (well under the hub's lease); got {options.InvalidationRenewInterval}.");
        }

        if (options.L1ServeStaleWhenClusterUnreachable < TimeSpan.Zero || options.L1ServeStaleWhenClusterUnreachable > LlmCacheOptions.MaxL1ServeStaleWhenClusterUnreachable)
        {
            failures.Add($"{LlmCacheOptions.SectionName}:{nameof(options.L1ServeStaleWhenClusterUnreachable)} must be between 0 (off) and 1 hour; got {options.L1ServeStaleWhenClusterUnreachable}.");
        }

        Check(() => LlmCacheLimits.ValidateFailSafeDuration(options.FailSafeMaxDuration), failures, nameof(options.FailSafeMaxDuration));
        if (options.FailSafeThrottleDuration <= TimeSpan.Zero || options.FailSafeThrottleDuration > TimeSpan.FromDays(1))
        {
            failures.Add($"{LlmCacheOptions.SectionName}:{nameof(options.FailSafeThrottleDuration)} must be between 0 and 1 day; got {options.FailSafeThrottleDuration}.");
        }

        Check(() => RefreshAheadLimits.ValidateThreshold(options.EagerRefreshThreshold, "threshold"), failures, nameof(options.EagerRefreshThreshold));
        Check(() => RefreshAheadLimits.ValidateFactoryTimeout(options.FactorySoftTimeout, "timeout"), failures, nameof(options.FactorySoftTimeout));
        Check(() => RefreshAheadLimits.ValidateFactoryTimeout(options.FactoryHardTimeout, "timeout"), failures, nameof(options.FactoryHardTimeout));
        Check(() => RefreshAheadLimits.ValidateJitter(options.TimeToLiveJitter, "jitter"), failures, nameof(options.TimeToLiveJitter));
        if (options.BackgroundFactoryTimeout <= TimeSpan.Zero || options.BackgroundFactoryTimeout > RefreshAheadLimits.MaxFactoryTimeout)
        {
            failures.Add($"{LlmCacheOptions.SectionName}:{nameof(options.BackgroundFactoryTimeout)} must be above 0 and at most 1 hour; got {options.BackgroundFactoryTimeout}.");
        }

        // A soft timeout at or past the hard one would never act; one at or past the background bound would leave the
        // origin call no time to finish once the caller has gone.
        var (soft, hard) = (RefreshAheadLimits.Set(options.FactorySoftTimeout), RefreshAheadLimits.Set(options.FactoryHardTimeout));
        if (soft is { } s && hard is { } h && s >= h)
        {
            failures.Add($"{LlmCacheOptions.SectionName}:{nameof(options.FactorySoftTimeout)} must be shorter than {nameof(options.FactoryHardTimeout)}; got {s} and {h}.");
        }

        foreach (var (setting, timeout) in new[] { (nameof(options.FactorySoftTimeout), soft), (nameof(options.FactoryHardTimeout), hard) })
        {
            if (timeout is { } t && t >= options.BackgroundFactoryTimeout)
            {
                failures.Add($"{LlmCacheOptions.SectionName}:{setting} must be shorter than {nameof(options.BackgroundFactoryTimeout)} ({options.BackgroundFactoryTimeout}), which bounds the origin call once its caller has gone; got {t}.");
            }
        }

        foreach (var (prefix, policy) in options.Policies)
        {
            Check(() => LlmCacheLimits.ValidateFailSafeDuration(policy?.FailSafeMaxDuration), failures, $"Policies:{prefix}:{nameof(policy.FailSafeMaxDuration)}");
            if (policy?.SemanticThreshold is { } threshold && (!float.IsFinite(threshold) || threshold is <= 0 or > 1))
            {
                failures.Add($"{LlmCacheOptions.SectionName}:Policies:{prefix}:SemanticThreshold must be above 0 and at most 1; got {threshold}.");
            }

            if (policy?.SemanticMinimumProbability is { } probability && !IsProbabilityTarget(probability))
            {
                failures.Add($"{LlmCacheOptions.SectionName}:Policies:{prefix}:SemanticMinimumProbability must be at least 0 and below 1; got {probability}.");
            }

            if (policy?.SemanticMaxErrorRate is { } rate && !IsErrorRate(rate))
            {
                failures.Add($"{LlmCacheOptions.SectionName}:Policies:{prefix}:SemanticMaxErrorRate must be above 0 and below 1; got {rate}.");
            }

            Check(() => RefreshAheadLimits.ValidateThreshold(policy?.EagerRefreshThreshold, "threshold"), failures, $"Policies:{prefix}:{nameof(policy.EagerRefreshThreshold)}");
            Check(() => RefreshAheadLimits.ValidateJitter(policy?.TimeToLiveJitter, "jitter"), failures, $"Policies:{prefix}:{nameof(policy.TimeToLiveJitter)}");
        }

        if (options.L1SizeLimitBytes < 1024)
        {
            failures.Add($"{LlmCacheOptions.SectionName}:{nameof(options.L1SizeLimitBytes)} must be at least 1024; got {options.L1SizeLimitBytes}. Set L1Enabled to false to turn L1 off.");
        }

        var semantic = options.Semantic;
        if (!float.IsFinite(semantic.Threshold) || semantic.Threshold is <= 0 or > 1)
        {
            failures.Add($"{LlmCacheOptions.SectionName}:Semantic:Threshold must be above 0 and at most 1; got {semantic.Threshold}.");
        }

        if (!IsProbabilityTarget(semantic.MinimumProbability))
        {
            failures.Add($"{LlmCacheOptions.SectionName}:Semantic:MinimumProbability must be at least 0 and below 1; got {semantic.MinimumProbability}.");
        }

        if (semantic.MaxErrorRate is { } maxErrorRate && !IsErrorRate(maxErrorRate))
        {
            failures.Add($"{LlmCacheOptions.SectionName}:Semantic:MaxErrorRate must be above 0 and below 1; got {maxErrorRate}.");
        }

        if (!Enum.IsDefined(semantic.Decision))
        {
            failures.Add($"{LlmCacheOptions.SectionName}:Semantic:Decision must be Calibrated or Rules; got {semantic.Decision}.");
        }

        if (semantic.Candidates is < 1 or > 32)
        {
            failures.Add($"{LlmCacheOptions.SectionName}:Semantic:Candidates must be between 1 and 32; got {semantic.Candidates}.");
        }

        foreach (var pattern in semantic.Namespaces)
        {
            Check(() => OrleansLlmCache.Abstractions.Invalidation.InvalidationPattern.Validate(pattern), failures, "Semantic:Namespaces");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsProbabilityTarget(double probability) => double.IsFinite(probability) && probability is >= 0 and < 1;

    private static bool IsErrorRate(double rate) => double.IsFinite(rate) && rate is > 0 and < 1;

    private static void Check(Action validate, List<string> failures, string? setting = null)
    {
        try
        {
            validate();
        }
        catch (ArgumentException ex)
        {
            var field = setting ?? ex.ParamName switch
            {
                "tenant" => nameof(LlmCacheOptions.Tenant),
                "namespace" => nameof(LlmCacheOptions.Namespace),
                _ => ex.ParamName,
            };
            failures.Add($"{LlmCacheOptions.SectionName}:{field}: {FirstSentence(ex.Message)}");
        }
    }

    // ArgumentException appends " (Parameter 'x')"; the setting name already says which parameter.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }
}
