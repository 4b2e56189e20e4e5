using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace OrleansLlmCache.Gateway.Http;

/// <summary>
/// The gateway's own errors in OpenAI's shape, <c>{"error": {"message", "type", "param", "code"}}</c>, so that every OpenAI
/// SDK surfaces the message (which says what to fix) and the field it is about as it would one of OpenAI's.
/// </summary>
internal static class OpenAiErrors
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Authentication = "authentication_error";
    public const string Permission = "permission_error";
    public const string Server = "server_error";

    public static async Task WriteAsync(HttpContext context, int status, string message, string type, string code, string? param = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("message", message);
        writer.WriteString("type", type);
        if (param is null)
        {
            writer.WriteNull("param");
        }
        else
        {
            writer.WriteString("param", param);
        }

        writer.WriteString("code", code);
        writer.WriteEndObject();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    public static Task BadRequestAsync(HttpContext context, string message, string code = "invalid_request", string? param = null) =>
        WriteAsync(context, StatusCodes.Status400BadRequest, message, InvalidRequest, code, param);

    public static Task BadRequestAsync(HttpContext context, BadRequest problem) =>
        WriteAsync(context, StatusCodes.Status400BadRequest, problem.Message, InvalidRequest, problem.Code, problem.Param);
}
