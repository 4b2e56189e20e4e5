using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace OrleansLlmCache.Silo.Hosting;

/// <summary>HTTP Basic authentication for the operator pages, when <see cref="SiloDashboardOptions.Password"/> is set.</summary>
internal sealed class BasicAuthenticationFilter(IOptions<SiloDashboardOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.Password) || IsAuthorized(context.HttpContext.Request, settings))
        {
            return await next(context);
        }

        context.HttpContext.Response.Headers.WWWAuthenticate = "Basic realm=\"llmcache\", charset=\"UTF-8\"";
        return Results.Unauthorized();
    }

    private static bool IsAuthorized(HttpRequest request, SiloDashboardOptions settings)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            var given = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim())));
            var expected = Encoding.UTF8.GetBytes($"{settings.Username}:{settings.Password}");
            return CryptographicOperations.FixedTimeEquals(given, expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
