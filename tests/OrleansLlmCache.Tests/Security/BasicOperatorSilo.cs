using System.Security.Cryptography;
using System.Text;

namespace OrleansLlmCache.Tests.Security;

/// <summary>
/// One silo program whose operator pages take Basic authentication with a PBKDF2 password hash (the Secret holds no
/// password), three failed logins per client address, and 127.0.0.2 as the trusted proxy (an ingress) in front.
/// </summary>
public sealed class BasicOperatorSilo : IAsyncLifetime
{
    public const string User = "ops";

    public const string Password = "correct horse battery staple";

    public const string Proxy = "127.0.0.2";

    public const int FailedLoginLimit = 3;

    public SiloProcess Silo { get; private set; } = null!;

    /// <summary>The documented format, made as docs/deploy.md's one-liner makes it.</summary>
    public static string PasswordHash(string password, int iterations = 100_000)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        return $"PBKDF2-SHA256:{iterations}:{Convert.ToBase64String(salt)}:{Convert.ToBase64String(hash)}";
    }

    public async Task InitializeAsync() => Silo = await SiloProcess.StartAsync(new Dictionary<string, string>
    {
        ["LlmCache__Dashboard__Username"] = User,
        ["LlmCache__Dashboard__PasswordHash"] = PasswordHash(Password),
        ["LlmCache__Dashboard__FailedLoginLimit"] = FailedLoginLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["LlmCache__Dashboard__TrustedProxy__Networks__0"] = Proxy + "/32",
    });

    public async Task DisposeAsync() => await Silo.DisposeAsync();
}
