using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Hosting.Startup;
using OrleansLlmCache.Storage.PostgreSql.Options;

namespace OrleansLlmCache.Tests.Storage;

/// <summary>PostgreSQL storage's settings: where they are read from, and every wrong one named at once.</summary>
public sealed class PostgresStorageOptionsTests
{
    [Fact]
    public void WrongSettings_AreRefusedTogether_EachNamed()
    {
        var result = new PostgresStorageOptionsValidator().Validate(null, new PostgresStorageOptions { ExpirySweepInterval = TimeSpan.FromSeconds(-1) });

        Assert.Equal(
            [
                "LlmCache:PostgreSQL:ExpirySweepInterval must be positive; got -00:00:01.",
                $"ConnectionStrings:PostgreSQL is required with PostgreSQL storage; set it, for example to \"{PostgresStorageOptionsValidator.Example}\".",
            ],
            result.Failures);
    }

    [Fact]
    public void MalformedConnectionString_IsNamedAndExplained()
    {
        var result = new PostgresStorageOptionsValidator().Validate(null, new PostgresStorageOptions { ConnectionString = "Host=localhost;Port=notanumber" });

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("ConnectionStrings:PostgreSQL is malformed (", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void ASiloWithPostgresStorage_ReadsConnectionStringsAndItsOwnSection()
    {
        using var host = Silo(new()
        {
            ["LlmCache:Silo:Storage"] = "PostgreSQL",
            ["ConnectionStrings:PostgreSQL"] = "Host=db;Database=llmcache",
            ["LlmCache:PostgreSQL:ExpirySweepInterval"] = "00:00:05",
        }).Build();

        var options = host.Services.GetRequiredService<IOptions<PostgresStorageOptions>>().Value;

        Assert.Equal("Host=db;Database=llmcache", options.ConnectionString);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ExpirySweepInterval);
    }

    [Fact]
    public void ASiloWithPostgresStorage_AndNoConnectionString_IsRefusedNamingIt()
    {
        using var host = Silo(new() { ["LlmCache:Silo:Storage"] = "PostgreSQL" }).Build();

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<PostgresStorageOptions>>().Value);

        Assert.Contains("ConnectionStrings:PostgreSQL is required with PostgreSQL storage", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SweepIntervalUnderTheSiloSection_IsRefused_SayingWhereItWent()
    {
        var error = Assert.Throws<LlmCacheStartupException>(() => Silo(new() { ["LlmCache:Silo:ExpirySweepInterval"] = "00:05:00" }));

        Assert.Contains("LlmCache:Silo:ExpirySweepInterval is now LlmCache:PostgreSQL:ExpirySweepInterval", error.Message, StringComparison.Ordinal);
    }

    private static HostApplicationBuilder Silo(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddOrleansLlmCacheSilo();
        return builder;
    }
}
