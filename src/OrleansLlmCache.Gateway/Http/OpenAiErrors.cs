using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace OrleansLlmCache.Gateway.Http;

/// <summary>
/// The gateway's own errors in OpenAI's shape, <c>{"error": {"message", "type", "code"}}</c>, so that every OpenAI SDK
/// surfaces the message (which says what to fix) as it would one of OpenAI's.
/// </summary>
internal static class OpenAiErrors
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Authentication = "authentication_error";
    public const string Permission = "permission_error";
    public const string Server = "server_error";

    public static async Task WriteAsync(HttpContext context, int status, string message, string type, string code)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("message", message);
        writer.WriteString("type", type);
        writer.WriteNull("param");
        writer.WriteString("code", code);
        writer.WriteEndObject();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    public static Task BadRequestAsync(HttpContext context, string message, string code = "invalid_request") =>
        WriteAsync(context, StatusCodes.Status400BadRequest, message, InvalidRequest, code);
}
