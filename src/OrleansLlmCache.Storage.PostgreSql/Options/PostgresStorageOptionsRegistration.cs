using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Core.Validation;

namespace OrleansLlmCache.Storage.PostgreSql.Options;

/// <summary>Binds <see cref="PostgresStorageOptions"/> and checks them when the host starts.</summary>
internal static class PostgresStorageOptionsRegistration
{
    /// <summary>
    /// Settings from <c>LlmCache:PostgreSQL</c> and <c>ConnectionStrings:PostgreSQL</c>, then <paramref name="configure"/>;
    /// checked by <see cref="PostgresStorageOptionsValidator"/> when the host starts, every wrong one named.
    /// </summary>
    public static IServiceCollection AddPostgresStorageOptions(this IServiceCollection services, Action<PostgresStorageOptions>? configure)
    {
        var options = services.AddOptions<PostgresStorageOptions>()
            .BindConfigurationStrictly(PostgresStorageOptions.SectionName)
            .Configure<IConfiguration>((o, configuration) => o.ConnectionString ??= configuration.GetConnectionString(PostgresStorageOptions.ConnectionStringName));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresStorageOptions>, PostgresStorageOptionsValidator>());
        return services;
    }
}
