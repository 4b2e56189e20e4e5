using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace OrleansLlmCache.Core.Validation;

/// <summary>
/// Binds options from configuration like <c>BindConfiguration</c>, but reports a value that does not fit its setting
/// as a validation failure naming the setting, instead of the binder's exception and stack trace; and refuses enum
/// values outside the enum (the binder takes <c>Storage=7</c> as an undefined value that later reads as the default).
/// </summary>
internal static class StrictConfigurationBinding
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="sectionPath"/>. A value that cannot be converted to its
    /// property's type makes options creation fail with an <see cref="OptionsValidationException"/> listing every such
    /// setting (surfaced at start-up by <c>ValidateOnStart</c>).
    /// </summary>
    public static OptionsBuilder<TOptions> BindConfigurationStrictly<TOptions>(this OptionsBuilder<TOptions> builder, string sectionPath)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(sectionPath);
        return builder.Configure<IConfiguration>((options, configuration) =>
        {
            var section = configuration.GetSection(sectionPath);
            var failures = FindInvalidValues(section, typeof(TOptions));
            if (failures.Count > 0)
            {
                throw new OptionsValidationException(builder.Name, typeof(TOptions), failures);
            }

            section.Bind(options);
        });
    }

    /// <summary>
    /// Every value in <paramref name="section"/> that the configuration binder would fail to convert, or would accept as
    /// an undefined enum value, for the public settable properties of <paramref name="optionsType"/> (nested option
    /// objects included), each as one sentence naming the setting and what it takes.
    /// </summary>
    public static IReadOnlyList<string> FindInvalidValues(IConfigurationSection section, Type optionsType)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(optionsType);
        var failures = new List<string>();
        Collect(section, optionsType, failures);
        return failures;
    }

    private static void Collect(IConfigurationSection section, Type type, List<string> failures)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is not { IsPublic: true } && !IsNestedOptions(property.PropertyType))
            {
                continue;
            }

            var setting = section.GetSection(property.Name);
            var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (string.IsNullOrEmpty(setting.Value))
            {
                if (IsNestedOptions(target))
                {
                    Collect(setting, target, failures);
                }

                continue;
            }

            if (Check(setting.Value, target) is { } expected)
            {
                failures.Add($"{setting.Path} is '{setting.Value}', which is not {expected}.");
            }
        }
    }

    // What the setting takes, when the value does not fit; null when it fits or the type is not a scalar we check.
    private static string? Check(string value, Type target)
    {
        if (target.IsEnum)
        {
            var names = string.Join(", ", Enum.GetNames(target));
            return Enum.TryParse(target, value, ignoreCase: true, out var parsed) && Enum.IsDefined(target, parsed)
                ? null
                : $"one of {names}";
        }

        if (target == typeof(string) || !target.IsValueType)
        {
            return null;
        }

        var converter = TypeDescriptor.GetConverter(target);
        if (!converter.CanConvertFrom(typeof(string)))
        {
            return null;
        }

        try
        {
            converter.ConvertFromString(null, CultureInfo.InvariantCulture, value);
            return null;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException or NotSupportedException)
        {
            return Describe(target);
        }
    }

    private static string Describe(Type type) => Type.GetTypeCode(type) switch
    {
        TypeCode.Boolean => "true or false",
        TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64
            => "a whole number in range",
        TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a number",
        _ when type == typeof(TimeSpan) => "a duration such as 00:00:05 (hh:mm:ss)",
        _ => $"a {type.Name}",
    };

    // Option classes nest plain option classes (LlmCacheOptions.Semantic); collections and framework types are left to the binder.
    private static bool IsNestedOptions(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace?.StartsWith("OrleansLlmCache", StringComparison.Ordinal) == true;
}
