using System.Net;
using OrleansLlmCache.Tests.Infrastructure;

namespace OrleansLlmCache.Tests.Deploy;

/// <summary>
/// The real silo program, configured with the prod overlay's environment (Redis clustering, PostgreSQL storage,
/// POD_IP from the "downward API", TLS with the files of Secret llmcache-tls, the operator pages' credentials from Secret
/// llmcache-dashboard), against real Redis and PostgreSQL: it serves the paths the probes ask for, with the meaning
/// they rely on, and guards the operator pages.
/// </summary>
[Collection(BackendsCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ManifestConfiguredSiloTests(BackendsFixture backends)
{
    [Fact]
    public async Task ProbePaths_AnswerAsKubernetesExpects_ThroughAPostgresOutage()
    {
        var manifest = await SiloManifest.RenderAsync("overlays/prod");
        var readiness = manifest.Container["readinessProbe"]["httpGet"]["path"].Text!;
        var liveness = manifest.Container["livenessProbe"]["httpGet"]["path"].Text!;
        var postgres = await backends.Postgres.CreateDatabaseAsync();
        using var certificates = new ManifestCertificates(); // Secret llmcache-tls, mounted where the overlay mounts it
        var configuration = manifest.Configuration(
                new Dictionary<string, string>
                {
                    ["metadata.name"] = "llmcache-silo-test",
                    ["metadata.namespace"] = "test",
                    ["status.podIP"] = "127.0.0.1", // advertised because of POD_IP: no AdvertisedIPAddress is set
                },
                (secret, key) => key switch
                {
                    "redis" => backends.Redis.ConnectionString,
                    "postgresql" => postgres,
                    "username" or "password-hash" => SiloManifestDriftTests.DashboardSecret(secret, key),
                    _ => throw new Xunit.Sdk.XunitException($"no test value for Secret key {key}"),
                });
        var environment = ManifestCertificates.Remap(configuration, manifest.SecretMountPath("llmcache-tls")!, certificates.Silo)
            .Where(e => !e.Key.EndsWith("Port", StringComparison.Ordinal)) // SiloProcess picks free ports
            .ToDictionary(e => e.Key.Replace(":", "__", StringComparison.Ordinal), e => e.Value!);
        environment["LlmCache__Silo__ClusterId"] = "manifest-" + Guid.NewGuid().ToString("N")[..8];
        environment["LlmCache__Silo__ListenOnAnyHostAddress"] = "false"; // a test binds loopback only
        environment["Logging__Console__FormatterName"] = "simple"; // SiloProcess waits for the plain start-up line
        environment["LlmCache__Tls__AllowPlainBackends"] = "true"; // the test's Redis and PostgreSQL listen without TLS
        using var gatewaySecret = SecretVolume.Create(SiloManifest.ExampleGatewaySecret); // the mounted Secret llmcache-gateway
        environment[SiloManifest.SettingsDirectoryVariable] = gatewaySecret.Path;

        await using var silo = await SiloProcess.StartAsync(environment);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}"), Timeout = TimeSpan.FromSeconds(5) };

        Assert.Contains("127.0.0.1 silo port", silo.Output, StringComparison.Ordinal);
        await WaitForStatusAsync(http, readiness, HttpStatusCode.OK, "the silo to become ready");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(liveness)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/no-such-path")).StatusCode);

        // The operator pages ask for Secret llmcache-dashboard's credentials; the probes and /metrics do not.
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/dashboard/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/cache/api/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/metrics")).StatusCode);
        using (var operatorRequest = new HttpRequestMessage(HttpMethod.Get, "/cache/api/stats"))
        {
            operatorRequest.Headers.Authorization = Security.OperatorClient.Basic("ops", SiloManifestDriftTests.ExampleDashboardPassword);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(operatorRequest)).StatusCode);
        }

        await backends.Postgres.StopServerAsync();
        try
        {
            // Still ready (it serves what it holds, and every silo shares the database), with storage reported degraded.
            string body = "";
            await Eventually.WaitUntilAsync(
                () =>
                {
                    using var response = http.Send(new HttpRequestMessage(HttpMethod.Get, readiness));
                    body = new StreamReader(response.Content.ReadAsStream()).ReadToEnd();
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    return body.Contains("\"postgresql\":{\"status\":\"Degraded\"", StringComparison.Ordinal);
                },
                TimeSpan.FromSeconds(45),
                () => $"readiness should report PostgreSQL degraded while it is down; last answer: {body}");
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(liveness)).StatusCode); // no restart for a database outage
        }
        finally
        {
            await backends.Postgres.StartServerAsync();
        }

        await WaitForStatusAsync(http, readiness, HttpStatusCode.OK, "readiness to recover once PostgreSQL is back");
    }

    private static async Task WaitForStatusAsync(HttpClient http, string path, HttpStatusCode expected, string what)
    {
        HttpStatusCode? last = null;
        await Eventually.WaitUntilAsync(
            async () =>
            {
                try
                {
                    last = (await http.GetAsync(path)).StatusCode;
                }
                catch (HttpRequestException)
                {
                    last = null;
                }

                return last == expected;
            },
            TimeSpan.FromSeconds(45),
            () => $"Waited 45 s for {what}: GET {path} should answer {(int)expected}, last answer {(last is { } l ? ((int)l).ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")}.");
    }
}
