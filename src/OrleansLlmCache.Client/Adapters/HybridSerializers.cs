using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansLlmCache.Client.Adapters;

/// <summary>
/// Finds the serializer of each value type once, by HybridCache's conventions, so that code moving from
/// <c>AddHybridCache().AddSerializer(...)</c> keeps its serializers: an <see cref="IHybridCacheSerializer{T}"/>
/// registered for the type; then the built-in <c>string</c> and <c>byte[]</c>; then the registered
/// <see cref="IHybridCacheSerializerFactory"/> instances, the last registered first; then System.Text.Json with the
/// <see cref="JsonSerializerOptions"/> registered under the key <c>typeof(IHybridCacheSerializer&lt;T&gt;)</c>, or else
/// under <c>typeof(IHybridCacheSerializer&lt;&gt;)</c> (what <c>WithJsonSerializerOptions</c> registers), or else the
/// default options (with fields for a type that has only fields, such as a value tuple).
/// </summary>
internal sealed class HybridSerializers
{
    private static readonly JsonSerializerOptions FieldOptions = new(JsonSerializerOptions.Default) { IncludeFields = true };

    private readonly IServiceProvider _services;
    private readonly IHybridCacheSerializerFactory[] _factories;
    private readonly ConcurrentDictionary<Type, object> _resolved = new();

    public HybridSerializers(IServiceProvider services)
    {
        _services = services;
        _factories = [.. services.GetServices<IHybridCacheSerializerFactory>().Reverse()];
    }

    public IHybridCacheSerializer<T> For<T>() =>
        (IHybridCacheSerializer<T>)_resolved.GetOrAdd(typeof(T), static (_, self) => self.Resolve<T>(), this);

    private IHybridCacheSerializer<T> Resolve<T>()
    {
        if (_services.GetService<IHybridCacheSerializer<T>>() is { } registered)
        {
            return registered;
        }

        if (BuiltInHybridSerializer.Instance is IHybridCacheSerializer<T> builtIn)
        {
            return builtIn;
        }

        foreach (var factory in _factories)
        {
            if (factory.TryCreateSerializer<T>(out var created))
            {
                return created;
            }
        }

        var options = _services.GetKeyedService<JsonSerializerOptions>(typeof(IHybridCacheSerializer<T>))
            ?? _services.GetKeyedService<JsonSerializerOptions>(typeof(IHybridCacheSerializer<>))
            ?? (HasOnlyFields(typeof(T)) ? FieldOptions : JsonSerializerOptions.Default);
        return new JsonHybridSerializer<T>(options);
    }

    // A value tuple has public fields and no properties: with the default options it would be written as {}.
    private static bool HasOnlyFields(Type type) =>
        type != typeof(string) && !type.IsPrimitive
        && type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Length == 0
        && type.GetFields(BindingFlags.Public | BindingFlags.Instance).Length > 0;
}
