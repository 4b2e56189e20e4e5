using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using OrleansLlmCache.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansLlmCache.Tests.Cluster;

/// <summary>The silo program refuses a configuration it cannot run with, in one sentence, without a stack trace.</summary>
[Trait("Category", "Integration")]
public sealed partial class SiloStartupTests(ITestOutputHelper output)
{
    /// <summary>
    /// One invalid setting each (environment variable, value, the setting the error must name), from every section the
    /// silo reads: values the binder cannot convert, enum values outside the enum, and values out of range.
    /// </summary>
    public static TheoryData<string, string, string> InvalidSettings => new()
    {
        { "LlmCache__Silo__SiloPort", "eleven", "LlmCache:Silo:SiloPort" },
        { "LlmCache__Silo__GatewayPort", "70000", "LlmCache:Silo:GatewayPort" },
        { "LlmCache__Silo__Clustering", "Foo", "LlmCache:Silo:Clustering" },
        { "LlmCache__Silo__Storage", "7", "LlmCache:Silo:Storage" },
        { "LlmCache__Silo__ListenOnAnyHostAddress", "sometimes", "LlmCache:Silo:ListenOnAnyHostAddress" },
        { "LlmCache__Silo__ShutdownTimeout", "-00:00:01", "LlmCache:Silo:ShutdownTimeout" },
        { "LlmCache__Silo__MembershipCheckInterval", "often", "LlmCache:Silo:MembershipCheckInterval" },
        { "LlmCache__Entries__LeaseDuration", "-00:00:05", "LlmCache:Entries:LeaseDuration" },
        { "LlmCache__Entries__MaxWaitPerCall", "soon", "LlmCache:Entries:MaxWaitPerCall" },
        { "LlmCache__Invalidation__LeaseDuration", "-00:00:05", "LlmCache:Invalidation:LeaseDuration" },
        { "LlmCache__Semantic__MaxCandidates", "0", "LlmCache:Semantic:MaxCandidates" },
        { "LlmCache__Statistics__ReportInterval", "fast", "LlmCache:Statistics:ReportInterval" },
        { "LlmCache__Dashboard__ProfileGrainCallsAlways", "maybe", "LlmCache:Dashboard:ProfileGrainCallsAlways" },
        { "Orleans__Membership__ProbeTimeout", "-00:00:01", "Orleans:Membership:ProbeTimeout" },
        { "Orleans__Membership__NumMissedProbesLimit", "three", "Orleans:Membership:NumMissedProbesLimit" },
        { "LlmCache__Tls__Enabled", "maybe", "LlmCache:Tls:Enabled" },
        { "LlmCache__Tls__Enabled", "true", "LlmCache:Tls:CertificatePath" },
        { "LlmCache__Tls__ClientCertificateRequired", "true", "LlmCache:Tls:ClientCertificateRequired" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public async Task InvalidSetting_ExitsWithOneLineNamingIt(string variable, string value, string setting)
    {
        await using var silo = await SiloProcess.StartAsync(new Dictionary<string, string> { [variable] = value }, waitForStart: false);

        Assert.Equal(1, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        AssertOneErrorLine(silo.Output, setting);
    }

    [Fact]
    public async Task AdvertisedAddressOfAnotherMachine_ExitsWithOneLineNamingIt()
    {
        await using var silo = await SiloProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["LlmCache__Silo__Clustering"] = "Redis",
                ["ConnectionStrings__Redis"] = $"127.0.0.1:{FreePorts.Next()}",
                ["LlmCache__Silo__AdvertisedIPAddress"] = "192.0.2.10", // TEST-NET-1: never an address of this machine
                ["LlmCache__Dashboard__AllowOpen"] = "true", // beyond loopback open operator pages are refused first
            },
            waitForStart: false);

        Assert.Equal(1, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        AssertOneErrorLine(silo.Output, "LlmCache:Silo:AdvertisedIPAddress");
    }

    // A port another process listens on: for the silo and gateway ports a listener that, like an Orleans silo's, sets
    // SO_REUSEADDR (which .NET on Linux turns into SO_REUSEPORT too, so a second silo could bind beside it), for the HTTP
    // port a plain one.
    [Theory]
    [InlineData("SiloPort", true)]
    [InlineData("GatewayPort", true)]
    [InlineData("HttpPort", false)]
    public async Task PortAlreadyInUse_ExitsWithOneLineNamingIt(string setting, bool reuseAddress)
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (reuseAddress)
        {
            taken.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        }

        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;

        await using var silo = await SiloProcess.StartAsync(
            new Dictionary<string, string> { [$"LlmCache__Silo__{setting}"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            waitForStart: false);

        Assert.Equal(1, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        AssertOneErrorLine(silo.Output, $"LlmCache:Silo:{setting} {port}");
    }

    /// <summary>
    /// Start-up gives up on Redis after <c>StartupConnectAttempts</c> connection attempts, not several times that: each
    /// attempt connects once (the Redis client opens its command and subscription connections; without ConnectRetry=1
    /// it connected three times per attempt, six connections, and gave up after four times the documented time).
    /// The server accepts connections and never answers, like a Redis behind a broken network path.
    /// </summary>
    [Fact]
    public async Task SilentRedis_IsGivenUpAfterTheConfiguredAttempts_EachOneConnection()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var accepted = new List<TcpClient>();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var connection = await silent.AcceptTcpClientAsync();
                    lock (accepted)
                    {
                        accepted.Add(connection);
                    }
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // The listener stopped at the end of the test.
            }
        });

        var watch = Stopwatch.StartNew();
        await using var silo = await StartWithTwoRedisAttemptsAsync(port);
        output.WriteLine($"Gave up after {watch.Elapsed.TotalSeconds:0.0} s and {accepted.Count} connections.");
        silent.Stop();
        await accepting;
        lock (accepted)
        {
            Assert.InRange(accepted.Count, 2, 2 * 2);
            accepted.ForEach(connection => connection.Dispose());
        }

        AssertOneErrorLine(silo.Output, $"Redis at 127.0.0.1:{port} is unreachable after 2 attempts");

        // The retry warnings before it carry a UTC timestamp, so that an operator can tell when each attempt failed.
        var warnings = silo.Output.Split('\n').Where(line => line.Contains("warn:", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(warnings);
        Assert.All(warnings, line => Assert.Matches(UtcTimestamp(), line));
    }

    // A silo with Redis clustering on 127.0.0.1:port that may try twice; returned once it has exited with code 1.
    private static async Task<SiloProcess> StartWithTwoRedisAttemptsAsync(int port)
    {
        var silo = await SiloProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["LlmCache__Silo__Clustering"] = "Redis",
                ["ConnectionStrings__Redis"] = $"127.0.0.1:{port}",
                ["LlmCache__Silo__StartupConnectAttempts"] = "2",
            },
            waitForStart: false);
        try
        {
            Assert.Equal(1, await silo.WaitForExitAsync(TimeSpan.FromSeconds(90)));
            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z ")]
    private static partial Regex UtcTimestamp();

    // Exactly one "error:" line, naming the setting; no stack trace anywhere in the output.
    private static void AssertOneErrorLine(string output, string setting)
    {
        var errors = output.Split('\n').Where(line => line.StartsWith("error:", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 1, $"one error line expected:\n{output}");
        Assert.Contains(setting, errors[0], StringComparison.Ordinal);
        Assert.False(output.Contains("   at ", StringComparison.Ordinal), output);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedPostgresConnectionString_IsNamedAndExplained()
    {
        await using var silo = await SiloProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["LlmCache__Silo__Storage"] = "PostgreSQL",
                ["ConnectionStrings__PostgreSQL"] = "Host=localhost;Port=notanumber",
            },
            waitForStart: false);

        Assert.Equal(1, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("ConnectionStrings:PostgreSQL is malformed", silo.Output, StringComparison.Ordinal);
        Assert.False(silo.Output.Contains("   at ", StringComparison.Ordinal), silo.Output);
    }

    [Fact]
    public async Task MissingRedisConnectionString_SaysWhatToSet()
    {
        await using var silo = await SiloProcess.StartAsync(
            new Dictionary<string, string> { ["LlmCache__Silo__Clustering"] = "Redis" },
            waitForStart: false);

        Assert.Equal(1, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("ConnectionStrings:Redis is required with Redis clustering", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableRedis_IsReportedAfterABoundedRetry()
    {
        var port = FreePorts.Next();
        await using var silo = await StartWithTwoRedisAttemptsAsync(port);
        AssertOneErrorLine(silo.Output, $"Redis at 127.0.0.1:{port} is unreachable after 2 attempts");
    }

    [Fact]
    public async Task InKubernetes_PlainRedis_ExitsWithOneLineSayingWhatToAdd()
    {
        await using var silo = await SiloProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["POD_IP"] = "127.0.0.1",
                ["LlmCache__Silo__Clustering"] = "Redis",
                ["ConnectionStrings__Redis"] = $"127.0.0.1:{FreePorts.Next()}",
            },
            waitForStart: false);

        Assert.Equal(1, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        AssertOneErrorLine(silo.Output, "ConnectionStrings:Redis connects to Redis without TLS");
        Assert.Contains("LlmCache:Tls:AllowPlainBackends=true", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachablePostgres_IsReportedAfterABoundedRetry()
    {
        var port = FreePorts.Next();
        await using var silo = await SiloProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["LlmCache__Silo__Storage"] = "PostgreSQL",
                ["ConnectionStrings__PostgreSQL"] = $"Host=127.0.0.1;Port={port};Database=llmcache;Username=x;Timeout=2",
                ["LlmCache__Silo__StartupConnectAttempts"] = "2",
            },
            waitForStart: false);

        Assert.Equal(1, await silo.WaitForExitAsync(TimeSpan.FromSeconds(90)));
        Assert.Contains($"PostgreSQL at 127.0.0.1:{port} (database llmcache) is unreachable", silo.Output, StringComparison.Ordinal);
    }
}
