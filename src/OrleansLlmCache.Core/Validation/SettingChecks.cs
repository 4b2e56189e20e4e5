using System.Globalization;
using Microsoft.Extensions.Options;

namespace OrleansLlmCache.Core.Validation;

/// <summary>
/// Collects every failure of one options section, each a sentence naming the setting (<c>Section:Name</c>), its
/// bounds and the value it got, for an <see cref="IValidateOptions{TOptions}"/> to return at once. Every validator of
/// the client, the grains, the silo host and the storage provider reports through it, so all read alike. Settings of
/// another section, such as connection strings, in <c>SettingChecks.ConnectionStrings.cs</c>.
/// </summary>
internal sealed partial class SettingChecks(string section)
{
    private readonly List<string> _failures = [];

    private SettingChecks(string section, List<string> failures)
        : this(section) => _failures = failures;

    public ValidateOptionsResult Result => _failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_failures);

    /// <summary>Adds a failure in the setting's own words: <c>{Section}:{name} {problem}</c>.</summary>
    public SettingChecks Fail(string name, string problem)
    {
        _failures.Add($"{section}:{name} {problem}");
        return this;
    }

    /// <summary>Adds <paramref name="problem"/> unless <paramref name="condition"/> holds.</summary>
    public SettingChecks That(bool condition, string name, string problem) =>
        condition ? this : Fail(name, problem);

    public SettingChecks Positive(TimeSpan value, string name) =>
        value > TimeSpan.Zero ? this : Fail(name, $"must be positive; got {value}.");

    public SettingChecks Between(TimeSpan value, TimeSpan min, TimeSpan max, string name, string bounds) =>
        value >= min && value <= max ? this : Fail(name, $"must be between {bounds}; got {value}.");

    public SettingChecks Between(long value, long min, long max, string name) =>
        value >= min && value <= max
            ? this
            : Fail(name, string.Create(CultureInfo.InvariantCulture, $"must be between {min:N0} and {max:N0}; got {value}."));

    public SettingChecks AtLeast(long value, long min, string name) =>
        value >= min ? this : Fail(name, string.Create(CultureInfo.InvariantCulture, $"must be at least {min}; got {value}."));

    public SettingChecks NotEmpty(string? value, string name, string? hint = null) =>
        string.IsNullOrWhiteSpace(value) ? Fail(name, hint is null ? "must not be empty." : $"must not be empty; {hint}.") : this;
}
