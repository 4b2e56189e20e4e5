using Microsoft.Extensions.Configuration;
using Npgsql;
using OrleansLlmCache.Core.Validation;
using OrleansLlmCache.Hosting.Options;
using StackExchange.Redis;

namespace OrleansLlmCache.Hosting.Tls;

/// <summary>
/// Whether a silo must reach Redis and PostgreSQL over TLS, and the failures of connection strings that would not. A
/// production silo (in Kubernetes, or one whose own connections use TLS) holds every cached answer and the cluster's
/// membership: sending them in the clear to a managed database on a shared network is refused at start-up, with what to
/// add, unless the operator says the network is trusted (<see cref="LlmCacheTlsOptions.AllowPlainBackends"/>).
/// </summary>
internal sealed class BackendTlsRequirement
{
    private const string AllowSetting = $"{LlmCacheTlsOptions.SectionName}:{nameof(LlmCacheTlsOptions.AllowPlainBackends)}";

    private readonly string _why;

    private BackendTlsRequirement(string why) => _why = why;

    /// <summary>The requirement for this silo, or <see langword="null"/> when plain backends are allowed.</summary>
    public static BackendTlsRequirement? For(IConfiguration configuration, LlmCacheTlsOptions tls)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(tls);
        return tls.AllowPlainBackends ? null
            : tls.Enabled ? new BackendTlsRequirement($"with {LlmCacheTlsOptions.SectionName}:{nameof(tls.Enabled)}=true")
            : PodEnvironment.InPod(configuration) ? new BackendTlsRequirement($"in Kubernetes ({PodEnvironment.PodIp} or {PodEnvironment.PodName} is set)")
            : null;
    }

    /// <summary>Adds a failure (in <c>ConnectionStrings</c>) when the Redis connection string does not use TLS.</summary>
    public void CheckRedis(string connectionString, SettingChecks connectionStrings)
    {
        ArgumentNullException.ThrowIfNull(connectionStrings);
        if (!ConfigurationOptions.Parse(connectionString).Ssl)
        {
            connectionStrings.Fail("Redis", $"connects to Redis without TLS, which a silo {_why} refuses: add ',ssl=true' (and ',sslHost=NAME' when the server's certificate names another host), or set {AllowSetting}=true where the network to Redis is trusted.");
        }
    }

    /// <summary>Adds a failure (in <c>ConnectionStrings</c>) when the PostgreSQL connection string lets a connection go without TLS.</summary>
    public void CheckPostgres(string connectionString, SettingChecks connectionStrings)
    {
        ArgumentNullException.ThrowIfNull(connectionStrings);
        var mode = new NpgsqlConnectionStringBuilder(connectionString).SslMode;
        if (mode is SslMode.Disable or SslMode.Allow or SslMode.Prefer)
        {
            connectionStrings.Fail("PostgreSQL", $"lets the connection go without TLS (SSL Mode={mode}), which a silo {_why} refuses: add ';SSL Mode=VerifyFull' (with ';Root Certificate=PATH' for a private CA), or ';SSL Mode=Require' to encrypt without checking the server's certificate, or set {AllowSetting}=true where the network to PostgreSQL is trusted.");
        }
    }
}
