using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Serialization.Cloning;
using Orleans.Serialization.Serializers;

namespace OrleansLlmCache.Grains.Errors;

/// <summary>Registers how a silo reports storage failures to its callers (see <see cref="StorageExceptionFilter"/>).</summary>
internal static class StorageErrorSiloBuilderExtensions
{
    // The category of Orleans' ADO.NET grain storage (AdoNetGrainStorage), under which the storage bridge logs too.
    private const string StorageProviderLogCategory = "Orleans.Storage.AdoNetGrainStorage";

    public static ISiloBuilder AddStorageErrorTranslation(this ISiloBuilder builder)
    {
        builder.AddIncomingGrainCallFilter<StorageExceptionFilter>();

        // The storage provider logs each failure twice (its own error and Orleans' storage bridge's), each with the
        // driver's stack trace; the filter's one line per failed call says the same. Failed activations are still
        // logged by the runtime ("Error activating grain"), with the cause. A level configured for the category
        // (Logging:LogLevel:Orleans.Storage.AdoNetGrainStorage) brings the provider's own back.
        if (builder.Configuration[$"Logging:LogLevel:{StorageProviderLogCategory}"] is null)
        {
            builder.Services.AddLogging(logging => logging.AddFilter(StorageProviderLogCategory, LogLevel.Critical));
        }

        builder.Services.AddSingleton<StorageExceptionCodec>();
        builder.Services.AddSingleton<IGeneralizedCodec>(sp => sp.GetRequiredService<StorageExceptionCodec>());
        builder.Services.AddSingleton<IGeneralizedCopier>(sp => sp.GetRequiredService<StorageExceptionCodec>());
        return builder;
    }
}
