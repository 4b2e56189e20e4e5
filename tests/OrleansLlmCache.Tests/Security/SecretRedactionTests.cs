using OrleansLlmCache.Core.Secrets;

namespace OrleansLlmCache.Tests.Security;

/// <summary>Passwords in connection strings are hidden wherever a message may quote one; the rest stays readable.</summary>
public sealed class SecretRedactionTests
{
    [Theory]
    [InlineData("Host=pg.internal;Database=llmcache;Username=llmcache;Password=pg-secret;SSL Mode=VerifyFull", "Host=pg.internal;Database=llmcache;Username=llmcache;Password=***;SSL Mode=VerifyFull")]
    [InlineData("Host=pg;Password=has,a comma", "Host=pg;Password=***")]
    [InlineData("Host=pg;Password=\"quoted; with semicolon\";Port=5432", "Host=pg;Password=***;Port=5432")]
    [InlineData("Server=pg;PWD = 'single quoted';Database=x", "Server=pg;PWD = ***;Database=x")]
    [InlineData("redis.internal:6380,password=redis-secret,ssl=true", "redis.internal:6380,password=***,ssl=true")]
    [InlineData("--redis 'r1:6379,r2:6379,user=app,password=redis-secret' is not a Redis connection string", "--redis 'r1:6379,r2:6379,user=app,password=*** is not a Redis connection string")]
    [InlineData("upstream https://user:url-secret@api.example.com/v1 failed", "upstream https://user:***@api.example.com/v1 failed")]
    [InlineData("redis://default:url-secret@redis:6379", "redis://default:***@redis:6379")]
    public void Passwords_AreHidden_InEveryFormat(string text, string expected)
    {
        Assert.Equal(expected, SecretRedaction.Redact(text));
    }

    [Theory]
    [InlineData("Redis at 127.0.0.1:6379 is unreachable after 3 attempts: check ConnectionStrings:Redis and that the server is running.")]
    [InlineData("PostgreSQL at pg:5432 (database llmcache) is unreachable (28P01: password authentication failed for user \"llmcache\")")]
    [InlineData("Host=pg;Database=llmcache;Username=llmcache")]
    [InlineData("")]
    public void TextWithoutAPassword_IsLeftAsItIs(string text)
    {
        Assert.Equal(text, SecretRedaction.Redact(text));
    }

    [Fact]
    public void EachLine_IsReadInItsOwnFormat()
    {
        var text = "ConnectionStrings:PostgreSQL is Host=pg;Password=pg,secret\nConnectionStrings:Redis is r:6379,password=redis-secret,ssl=true";

        var redacted = SecretRedaction.Redact(text);

        Assert.DoesNotContain("secret", redacted, StringComparison.Ordinal);
        Assert.Contains("ssl=true", redacted, StringComparison.Ordinal);
    }
}
