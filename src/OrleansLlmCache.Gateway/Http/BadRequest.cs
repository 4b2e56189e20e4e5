namespace OrleansLlmCache.Gateway.Http;

/// <summary>
/// Why a request is refused with 400: a message that says what to fix, the field it is about (OpenAI's <c>param</c>,
/// such as <c>messages[0].content</c>; <see langword="null"/> for the body as a whole) and a machine-readable code.
/// </summary>
internal sealed record BadRequest(string Message, string? Param, string Code = "invalid_request");
