namespace OrleansLlmCache.Core.Validation;

/// <summary>Connection strings: settings of another section (<c>ConnectionStrings</c>), parsed by their own client.</summary>
internal sealed partial class SettingChecks
{
    /// <summary>
    /// Checks of settings in another section (a connection string in <c>ConnectionStrings</c>) whose failures join
    /// these: <see cref="Result"/> of either reports both.
    /// </summary>
    public SettingChecks In(string otherSection) => new(otherSection, _failures);

    /// <summary>Requires a value (a connection string) that <paramref name="purpose"/> needs, showing an example.</summary>
    public SettingChecks Required(string? value, string name, string purpose, string example) =>
        string.IsNullOrWhiteSpace(value) ? Fail(name, $"is required {purpose}; set it, for example to \"{example}\".") : this;

    /// <summary>
    /// Parses a set value (a connection string) with <paramref name="parse"/>, which throws on a malformed one; the
    /// failure gives the parser's reason and an example. An empty value is left to <see cref="Required"/>.
    /// </summary>
    public SettingChecks WellFormed(string? value, string name, Action<string> parse, string example)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (string.IsNullOrWhiteSpace(value))
        {
            return this;
        }

        try
        {
            parse(value);
            return this;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException or NotSupportedException)
        {
            return Fail(name, $"is malformed ({ex.Message.Split('\n')[0]}); it should look like \"{example}\".");
        }
    }
}
