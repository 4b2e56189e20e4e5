namespace OrleansLlmCache.Client.Caching;

/// <summary>
/// What one get-or-create request expects of the origin call it makes or waits for, resolved from the request's options,
/// its namespace's policy and the app server's settings (<see cref="EntryOptionsResolver"/>).
/// </summary>
/// <param name="AcceptStale">How far past its expiry an answer may stand in for the origin (fail-safe); zero: none.</param>
/// <param name="FailSafeWhen">Which origin failures may be answered stale; <see langword="null"/>: all but the caller's cancellation.</param>
/// <param name="SoftTimeout">After this wait, a stale answer instead of the origin's, when there is one.</param>
/// <param name="HardTimeout">After this wait, a stale answer or <see cref="LlmCacheFactoryTimeoutException"/>.</param>
internal readonly record struct OriginPolicy(TimeSpan AcceptStale, Func<Exception, bool>? FailSafeWhen = null, TimeSpan? SoftTimeout = null, TimeSpan? HardTimeout = null)
{
    /// <summary>Whether the soft timeout can do anything: it only ever swaps the wait for a stale answer.</summary>
    public bool HasSoftTimeout => SoftTimeout is not null && AcceptStale > TimeSpan.Zero;
}
