using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Storage;
using OrleansLlmCache.Grains;

namespace OrleansLlmCache.Tests.Infrastructure;

/// <summary>
/// Grain storage in front of another that can hold the next write of one grain's state until the test lets it through
/// or fails it, as a slow or failing database would. Everything else passes straight through.
/// </summary>
public sealed class GatedWriteStorage(IGrainStorage inner) : IGrainStorage
{
    private const string BehindTheGate = "behind-the-gate";
    private readonly Lock _gate = new();
    private string? _heldKey;
    private TaskCompletionSource? _arrived;
    private TaskCompletionSource<bool>? _outcome;

    /// <summary>Makes a gate in front of memory storage the cache's grain storage on <paramref name="silo"/>.</summary>
    public static void AddAsLlmCacheStorage(ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorage(BehindTheGate);
        silo.Services.AddKeyedSingleton<IGrainStorage>(LlmCacheStorage.Name, (services, _) =>
            new GatedWriteStorage(services.GetRequiredKeyedService<IGrainStorage>(BehindTheGate)));
    }

    /// <summary>The gate of a silo set up with <see cref="AddAsLlmCacheStorage"/>, from the silo's services.</summary>
    public static GatedWriteStorage Of(IServiceProvider siloServices) =>
        (GatedWriteStorage)siloServices.GetRequiredKeyedService<IGrainStorage>(LlmCacheStorage.Name);

    /// <summary>
    /// Holds the next write of the grain keyed <paramref name="grainKey"/>; the task completes when that write arrives.
    /// </summary>
    public Task HoldNextWriteAsync(string grainKey)
    {
        lock (_gate)
        {
            return Hold(grainKey);
        }
    }

    /// <summary>
    /// Lets the held write through and holds the grain's next one, in one step: the next write cannot slip past
    /// between the two. The task completes when that next write arrives.
    /// </summary>
    public Task LetThroughAndHoldNextWriteAsync(string grainKey)
    {
        lock (_gate)
        {
            var held = _outcome;
            var next = Hold(grainKey);
            held?.TrySetResult(true);
            return next;
        }
    }

    /// <summary>Lets the held write reach the storage behind.</summary>
    public void LetThrough() => _outcome?.TrySetResult(true);

    /// <summary>Fails the held write, as a database that refused it.</summary>
    public void Fail() => _outcome?.TrySetResult(false);

    private Task Hold(string grainKey)
    {
        _heldKey = grainKey;
        _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _outcome = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        return _arrived.Task;
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Task<bool>? outcome = null;
        lock (_gate)
        {
            if (_heldKey is not null && grainId.Key.ToString() == _heldKey)
            {
                _heldKey = null;
                outcome = _outcome!.Task;
                _arrived!.TrySetResult();
            }
        }

        if (outcome is not null && !await outcome)
        {
            throw new InvalidOperationException("The test's storage refused the write.");
        }

        await inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);
}
