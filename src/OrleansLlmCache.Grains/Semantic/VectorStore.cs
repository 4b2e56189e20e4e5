namespace OrleansLlmCache.Grains.Semantic;

/// <summary>
/// The in-memory index of one shard: int8 vectors in one contiguous array (a scan streams through memory), a scale,
/// an entry key, a prompt and an expiry per slot, and a map from entry key to slot so that an entry is held once.
/// Not thread-safe: its grain calls it one turn at a time.
/// </summary>
internal sealed class VectorStore(int dimensions)
{
    // Candidates kept from the int8 pass per result asked for, before they are rescored against the float query: the
    // int8 score is within about 0.003 of the float one, so a few spare candidates keep the final order right.
    private const int Oversampling = 4;
    private const int MinPool = 16;

    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);
    private sbyte[] _vectors = [];
    private float[] _scales = [];
    private string[] _keys = [];
    private string[] _prompts = [];
    private long[] _expires = []; // UTC ticks; long.MaxValue for never

    public int Dimensions { get; } = dimensions;

    public int Count { get; private set; }

    /// <summary>Adds or replaces the prompt of <paramref name="entryKey"/>.</summary>
    public void Add(string entryKey, string prompt, ReadOnlySpan<float> vector, DateTimeOffset? expiresAt)
    {
        if (vector.Length != Dimensions)
        {
            throw new ArgumentException($"The vector has {vector.Length} dimensions; this index holds {Dimensions}.", nameof(vector));
        }

        Span<sbyte> quantized = stackalloc sbyte[Dimensions];
        var scale = Int8Vectors.Quantize(vector, quantized);
        AddQuantized(entryKey, prompt, quantized, scale, expiresAt?.UtcTicks ?? long.MaxValue);
    }

    /// <summary>Adds or replaces a prompt whose vector is already quantised (as persisted).</summary>
    public void AddQuantized(string entryKey, string prompt, ReadOnlySpan<sbyte> vector, float scale, long expiresTicks)
    {
        if (vector.Length != Dimensions)
        {
            throw new ArgumentException($"The vector has {vector.Length} dimensions; this index holds {Dimensions}.", nameof(vector));
        }

        if (!_slots.TryGetValue(entryKey, out var slot))
        {
            slot = Count++;
            EnsureCapacity(Count);
            _slots[entryKey] = slot;
        }

        vector.CopyTo(_vectors.AsSpan(slot * Dimensions, Dimensions));
        _scales[slot] = scale;
        _keys[slot] = entryKey;
        _prompts[slot] = prompt;
        _expires[slot] = expiresTicks;
    }

    /// <summary>Removes the prompt of <paramref name="entryKey"/>; the last slot moves into its place.</summary>
    public bool Remove(string entryKey)
    {
        if (!_slots.Remove(entryKey, out var slot))
        {
            return false;
        }

        var last = --Count;
        if (slot != last)
        {
            _vectors.AsSpan(last * Dimensions, Dimensions).CopyTo(_vectors.AsSpan(slot * Dimensions, Dimensions));
            _scales[slot] = _scales[last];
            _keys[slot] = _keys[last];
            _prompts[slot] = _prompts[last];
            _expires[slot] = _expires[last];
            _slots[_keys[slot]] = slot;
        }

        _keys[last] = null!;
        _prompts[last] = null!;
        return true;
    }

    /// <summary>Removes every prompt whose entry expired at or before <paramref name="now"/>; returns how many.</summary>
    public int RemoveExpired(DateTimeOffset now)
    {
        var expired = new List<string>();
        for (var i = 0; i < Count; i++)
        {
            if (_expires[i] <= now.UtcTicks)
            {
                expired.Add(_keys[i]);
            }
        }

        foreach (var key in expired)
        {
            Remove(key);
        }

        return expired.Count;
    }

    /// <summary>
    /// The <paramref name="top"/> live slots nearest to <paramref name="query"/> that score at least
    /// <paramref name="minScore"/>, best first: an int8 pass over every slot, then the best few rescored against the
    /// float query (so the score reported carries the stored vector's rounding only).
    /// </summary>
    public List<(int Slot, float Score)> Search(ReadOnlySpan<float> query, int top, float minScore, DateTimeOffset now)
    {
        var results = new List<(int Slot, float Score)>();
        if (Count == 0 || top <= 0)
        {
            return results;
        }

        if (query.Length != Dimensions)
        {
            throw new ArgumentException($"The query has {query.Length} dimensions; this index holds {Dimensions}.", nameof(query));
        }

        Span<sbyte> q = stackalloc sbyte[Dimensions];
        var queryScale = Int8Vectors.Quantize(query, q);
        if (queryScale == 0)
        {
            return results;
        }

        // A candidate far enough below minScore cannot reach it after rescoring; the margin covers int8 rounding.
        var floor = minScore - 0.02f;
        var poolSize = Math.Max(MinPool, top * Oversampling);
        var pool = new TopK(poolSize);
        var nowTicks = now.UtcTicks;
        var vectors = _vectors.AsSpan(0, Count * Dimensions);
        for (var i = 0; i < Count; i++)
        {
            var score = Int8Vectors.Dot(q, vectors.Slice(i * Dimensions, Dimensions)) * queryScale * _scales[i];
            if (score >= floor && score > pool.Minimum && _expires[i] > nowTicks)
            {
                pool.Add(i, score);
            }
        }

        Span<float> scratch = stackalloc float[Dimensions];
        foreach (var (slot, _) in pool.Items)
        {
            var exact = Int8Vectors.Dot(query, vectors.Slice(slot * Dimensions, Dimensions), _scales[slot], scratch);
            if (exact >= minScore)
            {
                results.Add((slot, exact));
            }
        }

        // Ties (the same prompt under two keys) break by key, so every shard layout returns the same order.
        results.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(_keys[a.Slot], _keys[b.Slot]));
        if (results.Count > top)
        {
            results.RemoveRange(top, results.Count - top);
        }

        return results;
    }

    public string KeyAt(int slot) => _keys[slot];

    public string PromptAt(int slot) => _prompts[slot];

    public ReadOnlySpan<sbyte> VectorAt(int slot) => _vectors.AsSpan(slot * Dimensions, Dimensions);

    public float ScaleAt(int slot) => _scales[slot];

    public long ExpiresTicksAt(int slot) => _expires[slot];

    private void EnsureCapacity(int needed)
    {
        if (_scales.Length >= needed)
        {
            return;
        }

        var capacity = Math.Max(needed, Math.Max(64, _scales.Length * 2));
        Array.Resize(ref _vectors, capacity * Dimensions);
        Array.Resize(ref _scales, capacity);
        Array.Resize(ref _keys, capacity);
        Array.Resize(ref _prompts, capacity);
        Array.Resize(ref _expires, capacity);
    }

    /// <summary>The best <c>capacity</c> scores seen, with the smallest of them at hand for the scan's quick reject.</summary>
    private sealed class TopK(int capacity)
    {
        private readonly List<(int Slot, float Score)> _items = new(capacity);

        public float Minimum { get; private set; } = float.NegativeInfinity;

        public IReadOnlyList<(int Slot, float Score)> Items => _items;

        public void Add(int slot, float score)
        {
            if (_items.Count < capacity)
            {
                _items.Add((slot, score));
                if (_items.Count == capacity)
                {
                    Minimum = MinScore();
                }

                return;
            }

            var weakest = 0;
            for (var i = 1; i < _items.Count; i++)
            {
                if (_items[i].Score < _items[weakest].Score)
                {
                    weakest = i;
                }
            }

            _items[weakest] = (slot, score);
            Minimum = MinScore();
        }

        private float MinScore()
        {
            var min = float.PositiveInfinity;
            foreach (var item in _items)
            {
                min = Math.Min(min, item.Score);
            }

            return min;
        }
    }
}
