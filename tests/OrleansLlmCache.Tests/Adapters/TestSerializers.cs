using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansLlmCache.Tests.Adapters;

/// <summary>
/// Value types with serializers registered the ways a HybridCache user registers them (what <c>AddSerializer</c>,
/// <c>AddSerializerFactory</c> and <c>WithJsonSerializerOptions&lt;T&gt;</c> put in the container), each writing a
/// form the default JSON never would, so a test can tell which serializer wrote an entry.
/// </summary>
public static class TestSerializers
{
    public static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static void Register(IServiceCollection services)
    {
        services.AddSingleton<IHybridCacheSerializer<Coordinates>, CoordinatesSerializer>();
        services.AddSingleton<IHybridCacheSerializerFactory, TemperatureSerializerFactory>();
        services.AddKeyedSingleton<JsonSerializerOptions>(typeof(IHybridCacheSerializer<Invoice>), SnakeCase);
    }

    /// <summary>Written by <see cref="CoordinatesSerializer"/> as <c>x;y</c>.</summary>
    public sealed record Coordinates(int X, int Y);

    /// <summary>Written by the serializer <see cref="TemperatureSerializerFactory"/> makes, as <c>21.5C</c>.</summary>
    public sealed record Temperature(double Celsius);

    /// <summary>Written as JSON with the snake_case options registered for it.</summary>
    public sealed record Invoice(string CustomerName, decimal TotalAmount);

    /// <summary>Written as JSON with the default options.</summary>
    public sealed record Order(int Id, string Product);

    public sealed class CoordinatesSerializer : IHybridCacheSerializer<Coordinates>
    {
        public Coordinates Deserialize(ReadOnlySequence<byte> source)
        {
            var parts = Encoding.UTF8.GetString(source).Split(';');
            return new Coordinates(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
        }

        public void Serialize(Coordinates value, IBufferWriter<byte> target) =>
            Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{value.X};{value.Y}"), target);
    }

    public sealed class TemperatureSerializerFactory : IHybridCacheSerializerFactory
    {
        public bool TryCreateSerializer<T>([NotNullWhen(true)] out IHybridCacheSerializer<T>? serializer)
        {
            serializer = typeof(T) == typeof(Temperature) ? (IHybridCacheSerializer<T>)(object)new TemperatureSerializer() : null;
            return serializer is not null;
        }
    }

    private sealed class TemperatureSerializer : IHybridCacheSerializer<Temperature>
    {
        public Temperature Deserialize(ReadOnlySequence<byte> source) =>
            new(double.Parse(Encoding.UTF8.GetString(source).TrimEnd('C'), CultureInfo.InvariantCulture));

        public void Serialize(Temperature value, IBufferWriter<byte> target) =>
            Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{value.Celsius}C"), target);
    }
}
