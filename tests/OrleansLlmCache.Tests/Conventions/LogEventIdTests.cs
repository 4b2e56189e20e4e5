using System.Reflection;
using Microsoft.Extensions.Logging;

namespace OrleansLlmCache.Tests.Conventions;

/// <summary>A log event id names one message of one assembly, so an operator's alert on an id means one thing.</summary>
public sealed class LogEventIdTests
{
    /// <summary>The product assemblies that log through <c>[LoggerMessage]</c>: the libraries and the command line.</summary>
    public static TheoryData<string> ProductAssemblies =>
        ["OrleansLlmCache.Abstractions", "OrleansLlmCache.Core", "OrleansLlmCache.Client", "OrleansLlmCache.Grains", "OrleansLlmCache.Hosting", "OrleansLlmCache.Storage.PostgreSql", "OrleansLlmCache.Embeddings", "OrleansLlmCache.Gateway", "llmcache"];

    [Theory]
    [MemberData(nameof(ProductAssemblies))]
    public void EveryLoggerMessage_HasAnEventIdOfItsOwn(string assemblyName)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        var messages = Assembly.Load(assemblyName).GetTypes()
            .SelectMany(t => t.GetMethods(all))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .ToList();

        var duplicates = messages.GroupBy(m => m.Attribute!.EventId)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: " + string.Join(", ", g.Select(m => $"{m.Method.DeclaringType!.FullName}.{m.Method.Name}")))
            .ToList();

        Assert.True(duplicates.Count == 0, $"{assemblyName} gives one log event id to several messages: " + string.Join("; ", duplicates));
    }

    [Fact]
    public void TheProductAssemblies_LogThroughLoggerMessage()
    {
        // Guards the test above against reading nothing (a renamed assembly, an attribute the compiler dropped).
        var count = new[] { "OrleansLlmCache.Grains", "OrleansLlmCache.Hosting", "OrleansLlmCache.Storage.PostgreSql" }
            .SelectMany(name => Assembly.Load(name).GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Count(m => m.IsDefined(typeof(LoggerMessageAttribute)));
        Assert.True(count >= 15, $"expected the silo's grains, hosting and storage to declare at least 15 [LoggerMessage] methods, found {count}");
    }
}
