using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLlmCache.Abstractions.Semantic;
using OrleansLlmCache.Grains.Hosting;

namespace OrleansLlmCache.Grains.Semantic;

/// <summary>
/// One shard of a scope's index. The vectors live in memory (<see cref="VectorStore"/>); storage holds a copy written
/// behind, at most <see cref="SemanticIndexOptions.FlushInterval"/> after a change and at deactivation, so that adding a
/// prompt never waits for a multi-megabyte write.
/// </summary>
internal sealed partial class SemanticIndexShardGrain(
    [PersistentState("llm-semantic-shard", LlmCacheStorage.Name)] IPersistentState<SemanticShardState> state,
    [FromKeyedServices(LlmCacheTime.ServiceKey)] TimeProvider time,
    IOptions<SemanticIndexOptions> options,
    ILogger<SemanticIndexShardGrain> logger) : Grain, ISemanticIndexShardGrain
{
    private VectorStore? _store;
    private bool _dirty;
    private int _shard;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        _shard = int.Parse(key[(key.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var saved = state.State;
        if (saved.Dimensions > 0)
        {
            _store = new VectorStore(saved.Dimensions);
            foreach (var record in saved.Records)
            {
                _store.AddQuantized(record.EntryKey, record.Prompt, MemoryMarshal.Cast<byte, sbyte>(record.Vector), record.Scale,
                    record.ExpiresAt?.UtcTicks ?? long.MaxValue);
            }
        }

        // The store is the live copy; the loaded records would only double the memory.
        state.State = new SemanticShardState();
        _dirty = (_store?.RemoveExpired(time.GetUtcNow()) ?? 0) > 0;
        this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(options.Value.FlushInterval, options.Value.FlushInterval) { Interleave = true });
        return Task.CompletedTask;
    }

    public Task<int> AddAsync(IReadOnlyList<SemanticIndexItem> items)
    {
        foreach (var item in items)
        {
            _store ??= new VectorStore(item.Vector.Length);
            _store.Add(item.EntryKey, item.Prompt, item.Vector, item.ExpiresAt);
        }

        _dirty |= items.Count > 0;
        return Task.FromResult(_store?.Count ?? 0);
    }

    public Task<IReadOnlyList<SemanticCandidate>> SearchAsync(float[] query, int top, float minScore)
    {
        if (_store is null)
        {
            return Task.FromResult<IReadOnlyList<SemanticCandidate>>([]);
        }

        var found = _store.Search(query, top, minScore, time.GetUtcNow());
        return Task.FromResult<IReadOnlyList<SemanticCandidate>>(
            found.Select(r => new SemanticCandidate(_store.KeyAt(r.Slot), _store.PromptAt(r.Slot), r.Score, _shard)).ToList());
    }

    public Task<int> RemoveAsync(IReadOnlyList<string> entryKeys)
    {
        if (_store is not null)
        {
            foreach (var key in entryKeys)
            {
                _dirty |= _store.Remove(key);
            }
        }

        return Task.FromResult(_store?.Count ?? 0);
    }

    public Task<int> CountAsync() => Task.FromResult(_store?.Count ?? 0);

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // At silo shutdown the storage may already be gone (memory storage is itself made of grains), as for the entry
        // grains' hit counts: the periodic flush bounds what a shutdown can lose to one FlushInterval of additions.
        if (reason.ReasonCode == DeactivationReasonCode.ShuttingDown)
        {
            return;
        }

        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The index is a hint: every hit is checked against its entry. Losing recent additions loses hits only.
            Log.FlushFailed(logger, ex, this.GetPrimaryKeyString());
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (!_dirty || _store is null)
        {
            return;
        }

        _store.RemoveExpired(time.GetUtcNow());
        _dirty = false;
        var snapshot = Snapshot(_store);
        try
        {
            // Built synchronously above, so additions that interleave with this write are simply part of the next one.
            state.State = snapshot;
            await state.WriteStateAsync(cancellationToken);
        }
        catch
        {
            _dirty = true;
            throw;
        }
        finally
        {
            state.State = new SemanticShardState();
        }
    }

    private static SemanticShardState Snapshot(VectorStore store)
    {
        var records = new List<SemanticShardRecord>(store.Count);
        for (var slot = 0; slot < store.Count; slot++)
        {
            var ticks = store.ExpiresTicksAt(slot);
            records.Add(new SemanticShardRecord
            {
                EntryKey = store.KeyAt(slot),
                Prompt = store.PromptAt(slot),
                Vector = MemoryMarshal.Cast<sbyte, byte>(store.VectorAt(slot)).ToArray(),
                Scale = store.ScaleAt(slot),
                ExpiresAt = ticks == long.MaxValue ? null : new DateTimeOffset(ticks, TimeSpan.Zero),
            });
        }

        return new SemanticShardState { Dimensions = store.Dimensions, Records = records };
    }

    private static partial class Log
    {
        [LoggerMessage(1601, LogLevel.Warning, "Could not write semantic index shard {Key}; its latest additions may be lost (hits only, never correctness).")]
        public static partial void FlushFailed(ILogger logger, Exception exception, string key);
    }
}
