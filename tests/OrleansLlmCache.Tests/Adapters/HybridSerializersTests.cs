using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using OrleansLlmCache.Client.Adapters;
using static OrleansLlmCache.Tests.Adapters.TestSerializers;

namespace OrleansLlmCache.Tests.Adapters;

/// <summary>
/// Which serializer the HybridCache adapter uses for a type: HybridCache's own order (its SerializerTests' round trips,
/// and the registrations <c>AddSerializer</c>, <c>AddSerializerFactory</c> and <c>WithJsonSerializerOptions</c> make).
/// </summary>
public sealed class HybridSerializersTests
{
    [Fact]
    public void StringsAndByteArrays_AreWrittenAsThemselves()
    {
        var serializers = new HybridSerializers(new ServiceCollection().BuildServiceProvider());

        Assert.Equal("test value"u8.ToArray(), Write(serializers, "test value"));
        Assert.Equal("test value", Read<string>(serializers, "test value"u8.ToArray()));
        Assert.Equal(new byte[] { 0, 1, 255 }, Write(serializers, new byte[] { 0, 1, 255 }));
        Assert.Equal(new byte[] { 0, 1, 255 }, Read<byte[]>(serializers, [0, 1, 255]));
    }

    [Fact]
    public void OtherTypes_AreJsonWithTheDefaultOptions_AndValueTuplesKeepTheirFields()
    {
        var serializers = new HybridSerializers(new ServiceCollection().BuildServiceProvider());

        Assert.Equal("{\"Id\":7,\"Product\":\"tea\"}", Encoding.UTF8.GetString(Write(serializers, new Order(7, "tea"))));
        Assert.Equal((7, "tea"), Read<(int, string)>(serializers, Write(serializers, (7, "tea"))));
    }

    [Fact]
    public void ARegisteredSerializer_ComesFirst_EvenForStrings()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IHybridCacheSerializer<string>, ShoutingSerializer>();
        services.AddSingleton<IHybridCacheSerializerFactory, TemperatureSerializerFactory>();
        var serializers = new HybridSerializers(services.BuildServiceProvider());

        Assert.Equal("LOUD", Encoding.UTF8.GetString(Write(serializers, "loud")));
    }

    [Fact]
    public void Factories_AreAskedLastRegisteredFirst_AndOnlyForTheTypesTheyTake()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IHybridCacheSerializerFactory, TemperatureSerializerFactory>();
        services.AddSingleton<IHybridCacheSerializerFactory>(new EverythingFactory());
        var serializers = new HybridSerializers(services.BuildServiceProvider());

        Assert.Equal("everything", Encoding.UTF8.GetString(Write(serializers, new Temperature(21.5))));

        var onlyTemperature = new ServiceCollection().AddSingleton<IHybridCacheSerializerFactory, TemperatureSerializerFactory>();
        var declining = new HybridSerializers(onlyTemperature.BuildServiceProvider());
        Assert.Equal("21.5C", Encoding.UTF8.GetString(Write(declining, new Temperature(21.5))));
        Assert.Equal("{\"Id\":1,\"Product\":\"x\"}", Encoding.UTF8.GetString(Write(declining, new Order(1, "x"))));
    }

    [Fact]
    public void JsonOptions_RegisteredForTheType_WinOverThoseForEveryType()
    {
        var services = new ServiceCollection();
        services.AddKeyedSingleton<JsonSerializerOptions>(typeof(IHybridCacheSerializer<>), new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.KebabCaseUpper });
        services.AddKeyedSingleton<JsonSerializerOptions>(typeof(IHybridCacheSerializer<Invoice>), SnakeCase);
        var serializers = new HybridSerializers(services.BuildServiceProvider());

        Assert.Equal("{\"customer_name\":\"Ada\",\"total_amount\":12.5}", Encoding.UTF8.GetString(Write(serializers, new Invoice("Ada", 12.5m))));
        Assert.Equal("{\"ID\":7,\"PRODUCT\":\"tea\"}", Encoding.UTF8.GetString(Write(serializers, new Order(7, "tea"))));
    }

    private static byte[] Write<T>(HybridSerializers serializers, T value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        serializers.For<T>().Serialize(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static T Read<T>(HybridSerializers serializers, byte[] bytes) => serializers.For<T>().Deserialize(new ReadOnlySequence<byte>(bytes));

    private sealed class ShoutingSerializer : IHybridCacheSerializer<string>
    {
        public string Deserialize(ReadOnlySequence<byte> source) => Encoding.UTF8.GetString(source).ToLowerInvariant();

        public void Serialize(string value, IBufferWriter<byte> target) => Encoding.UTF8.GetBytes(value.ToUpperInvariant(), target);
    }

    private sealed class EverythingFactory : IHybridCacheSerializerFactory
    {
        public bool TryCreateSerializer<T>([NotNullWhen(true)] out IHybridCacheSerializer<T>? serializer)
        {
            serializer = new Everything<T>();
            return true;
        }

        private sealed class Everything<T> : IHybridCacheSerializer<T>
        {
            public T Deserialize(ReadOnlySequence<byte> source) => throw new NotSupportedException();

            public void Serialize(T value, IBufferWriter<byte> target) => target.Write("everything"u8);
        }
    }
}
