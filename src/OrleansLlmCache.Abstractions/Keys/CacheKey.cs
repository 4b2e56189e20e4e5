namespace OrleansLlmCache.Abstractions.Keys;

/// <summary>
/// Identifies one cached response: a tenant, a namespace inside the tenant, and the request's hash (or any id the
/// application chooses). Entries of different tenants or namespaces never meet, even for the same hash.
/// </summary>
/// <param name="Tenant">The tenant that owns the entry: 1-64 characters of <c>A-Z a-z 0-9 _ . : -</c>.</param>
/// <param name="Namespace">A namespace inside the tenant (a prompt type such as <c>content</c> or <c>code:python</c>); same characters.</param>
/// <param name="Id">The request hash (64 lower-case hex digits from <see cref="PromptRequest.ComputeHash"/>) or an application id: 1-256 characters of the same set.</param>
[GenerateSerializer, Immutable, Alias("llmcache.CacheKey")]
public readonly record struct CacheKey(
    [property: Id(0)] string Tenant,
    [property: Id(1)] string Namespace,
    [property: Id(2)] string Id)
{
    /// <summary>
    /// The grain key of the entry: <c>{tenant}/{namespace}/{id}</c>. Never a bare hex string, which Orleans could parse
    /// as a number or a GUID (orleans#9706).
    /// </summary>
    public string ToGrainKey() => $"{Tenant}/{Namespace}/{Id}";

    /// <summary>Reads a key written by <see cref="ToGrainKey"/>.</summary>
    /// <exception cref="ArgumentException">The text is not <c>tenant/namespace/id</c> with valid parts.</exception>
    public static CacheKey Parse(string grainKey)
    {
        ArgumentNullException.ThrowIfNull(grainKey);
        var parts = grainKey.Split('/');
        if (parts.Length != 3)
        {
            throw new ArgumentException($"A cache key has the form tenant/namespace/id; '{Truncate(grainKey)}' has {parts.Length} part(s).", nameof(grainKey));
        }

        var key = new CacheKey(parts[0], parts[1], parts[2]);
        key.Validate();
        return key;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the part of the key that is not valid.</summary>
    public void Validate()
    {
        ValidatePart(Tenant, "tenant", LlmCacheLimits.MaxTenantLength);
        ValidatePart(Namespace, "namespace", LlmCacheLimits.MaxNamespaceLength);
        ValidatePart(Id, "key", LlmCacheLimits.MaxKeyLength);
    }

    /// <inheritdoc/>
    public override string ToString() => ToGrainKey();

    /// <summary>Throws unless <paramref name="value"/> is 1 to <paramref name="maxLength"/> characters of <c>A-Z a-z 0-9 _ . : -</c>; the message names <paramref name="field"/>.</summary>
    public static void ValidatePart(string? value, string field, int maxLength)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"The {field} must not be empty.", field);
        }

        if (value.Length > maxLength)
        {
            throw new ArgumentException($"The {field} is {value.Length} characters long; the limit is {maxLength}.", field);
        }

        // Vectorized: every lookup validates its key, so this is on the hit path.
        var bad = value.AsSpan().IndexOfAnyExcept(AllowedCharacters);
        if (bad >= 0)
        {
            throw new ArgumentException(
                $"The {field} '{Truncate(value)}' contains '{Printable(value[bad])}'; use only letters, digits and _ . : -",
                field);
        }
    }

    private static readonly System.Buffers.SearchValues<char> AllowedCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-");

    private static string Truncate(string value) => value.Length <= 80 ? value : value[..80] + "…";

    private static string Printable(char c) => char.IsControl(c) || char.IsWhiteSpace(c) ? $"U+{(int)c:X4}" : c.ToString();
}
