namespace OrleansLlmCache.Abstractions.Keys;

/// <summary>
/// A JSON number <see cref="PythonJson"/> writes exactly as it came, for a number no double holds to the last digit
/// written (<c>1e400</c>, <c>123456789012345678901234567890</c>): read as a double, two different numbers would be one.
/// </summary>
/// <param name="Text">The number's JSON text, as the parser read it.</param>
internal readonly record struct RawJsonNumber(string Text);
