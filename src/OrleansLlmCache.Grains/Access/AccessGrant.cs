using System.Text;

namespace OrleansLlmCache.Grains.Access;

/// <summary>What one configured access key may reach: every tenant (an operator key), or the tenants it names.</summary>
internal sealed class AccessGrant
{
    // The tenants as UTF-8 too: grain keys are UTF-8 bytes, so a tenant-keyed call is checked without decoding its key.
    private readonly byte[][] _tenantBytes;

    public AccessGrant(string name, bool isOperator, IReadOnlyList<string> tenants)
    {
        Name = name;
        IsOperator = isOperator;
        TenantArray = [.. tenants];
        _tenantBytes = [.. tenants.Select(Encoding.UTF8.GetBytes)];
    }

    /// <summary>The key's name, for logs and refusals.</summary>
    public string Name { get; }

    /// <summary>Whether the key reaches every tenant.</summary>
    public bool IsOperator { get; }

    /// <summary>The tenants a key that is not an operator's reaches.</summary>
    public IReadOnlyList<string> Tenants => TenantArray;

    /// <summary>The same, as the array the invalidation hub keeps per subscriber (one instance per key).</summary>
    public string[] TenantArray { get; }

    public bool Allows(string? tenant)
    {
        if (IsOperator)
        {
            return true;
        }

        foreach (var allowed in Tenants)
        {
            if (string.Equals(allowed, tenant, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public bool Allows(ReadOnlySpan<byte> tenant)
    {
        if (IsOperator)
        {
            return true;
        }

        foreach (var allowed in _tenantBytes)
        {
            if (tenant.SequenceEqual(allowed))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The tenants, as a refusal names them.</summary>
    public string Describe() => IsOperator ? "every tenant" : string.Join(", ", Tenants.Select(t => $"'{t}'"));
}
