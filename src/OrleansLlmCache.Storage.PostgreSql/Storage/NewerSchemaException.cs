namespace OrleansLlmCache.Storage.PostgreSql.Storage;

/// <summary>
/// The database's schema is newer than this build understands: the silo must not write to it. Not worth a retry; the
/// message says what to do.
/// </summary>
internal sealed class NewerSchemaException : Exception
{
    public NewerSchemaException()
    {
    }

    public NewerSchemaException(string message)
        : base(message)
    {
    }

    public NewerSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
