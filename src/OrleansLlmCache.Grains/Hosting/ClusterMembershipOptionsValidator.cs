using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace OrleansLlmCache.Grains.Hosting;

/// <summary>
/// Checks Orleans' failure-detection settings (configuration section <c>Orleans:Membership</c>) before the silo starts.
/// Orleans takes a negative <c>ProbeTimeout</c> or a zero <c>NumMissedProbesLimit</c> and fails later, deep inside the
/// membership service, with a stack trace; this names the setting instead.
/// </summary>
internal sealed class ClusterMembershipOptionsValidator : IValidateOptions<ClusterMembershipOptions>
{
    /// <summary>The configuration section the silo binds <see cref="ClusterMembershipOptions"/> to.</summary>
    public const string SectionName = "Orleans:Membership";

    public ValidateOptionsResult Validate(string? name, ClusterMembershipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        // Every duration is a timeout or a period: none may be zero or negative (DefunctSiloCleanupPeriod may be unset).
        // MinProbeTimeout and MaxProbeTimeout default to a half and four times ProbeTimeout: a wrong ProbeTimeout is the
        // one setting to name then.
        var derivedFromProbeTimeout = options.ProbeTimeout <= TimeSpan.Zero
            ? new[] { nameof(options.MinProbeTimeout), nameof(options.MaxProbeTimeout) }
            : [];
        foreach (var property in typeof(ClusterMembershipOptions).GetProperties().Where(p => p.SetMethod?.IsPublic == true && !derivedFromProbeTimeout.Contains(p.Name)))
        {
            if (property.GetValue(options) is TimeSpan duration && duration <= TimeSpan.Zero)
            {
                failures.Add($"{SectionName}:{property.Name} must be positive; got {duration}.");
            }
        }

        CheckAtLeastOne(options.NumMissedProbesLimit, nameof(options.NumMissedProbesLimit), failures);
        CheckAtLeastOne(options.NumMissedTableIAmAliveLimit, nameof(options.NumMissedTableIAmAliveLimit), failures);
        CheckAtLeastOne(options.NumProbedSilos, nameof(options.NumProbedSilos), failures);
        CheckAtLeastOne(options.NumVotesForDeathDeclaration, nameof(options.NumVotesForDeathDeclaration), failures);
        if (options.MaxDefunctSiloEntries < 0)
        {
            failures.Add($"{SectionName}:{nameof(options.MaxDefunctSiloEntries)} must not be negative; got {options.MaxDefunctSiloEntries}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckAtLeastOne(int value, string name, List<string> failures)
    {
        if (value < 1)
        {
            failures.Add($"{SectionName}:{name} must be at least 1; got {value}.");
        }
    }
}
