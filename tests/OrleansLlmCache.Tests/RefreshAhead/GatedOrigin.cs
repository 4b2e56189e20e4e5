using OrleansLlmCache.Abstractions.Model;
using OrleansLlmCache.Tests.Adapters;

namespace OrleansLlmCache.Tests.RefreshAhead;

/// <summary>
/// An origin that counts its calls and answers none until the test opens it (the adapters' <see cref="GatedFactory"/>,
/// answering with a response): what a caller got before then did not wait for it.
/// </summary>
internal sealed class GatedOrigin(CachedResponse answer)
{
    private readonly GatedFactory _gate = new();

    public int Calls => _gate.Calls;

    public async ValueTask<CachedResponse> CallAsync(CancellationToken cancellationToken)
    {
        await _gate.CreateAsync(cancellationToken);
        return answer;
    }

    public void Open() => _gate.Release();

    /// <summary>Waits until the origin has been called: some caller (or refresh) holds the key's lease.</summary>
    public Task WaitForCallAsync() => _gate.WaitForFirstCallAsync();
}
