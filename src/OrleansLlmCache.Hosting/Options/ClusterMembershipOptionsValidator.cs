using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansLlmCache.Core.Validation;

namespace OrleansLlmCache.Hosting.Options;

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
        var checks = new SettingChecks(SectionName);

        // Every duration is a timeout or a period: none may be zero or negative (DefunctSiloCleanupPeriod may be unset).
        // MinProbeTimeout and MaxProbeTimeout default to a half and four times ProbeTimeout: a wrong ProbeTimeout is the
        // one setting to name then.
        var derivedFromProbeTimeout = options.ProbeTimeout <= TimeSpan.Zero
            ? new[] { nameof(options.MinProbeTimeout), nameof(options.MaxProbeTimeout) }
            : [];
        foreach (var property in typeof(ClusterMembershipOptions).GetProperties().Where(p => p.SetMethod?.IsPublic == true && !derivedFromProbeTimeout.Contains(p.Name)))
        {
            if (property.GetValue(options) is TimeSpan duration)
            {
                checks.Positive(duration, property.Name);
            }
        }

        return checks
            .AtLeast(options.NumMissedProbesLimit, 1, nameof(options.NumMissedProbesLimit))
            .AtLeast(options.NumMissedTableIAmAliveLimit, 1, nameof(options.NumMissedTableIAmAliveLimit))
            .AtLeast(options.NumProbedSilos, 1, nameof(options.NumProbedSilos))
            .AtLeast(options.NumVotesForDeathDeclaration, 1, nameof(options.NumVotesForDeathDeclaration))
            .AtLeast(options.MaxDefunctSiloEntries ?? 0, 0, nameof(options.MaxDefunctSiloEntries))
            .Result;
    }
}
