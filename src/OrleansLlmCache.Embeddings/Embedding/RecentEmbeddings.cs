namespace OrleansLlmCache.Embeddings.Embedding;

/// <summary>A bounded least-recently-used map from text to its vector. Not thread-safe: the owner locks.</summary>
internal sealed class RecentEmbeddings(int capacity)
{
    private readonly Dictionary<string, LinkedListNode<KeyValuePair<string, float[]>>> _index = new(StringComparer.Ordinal);
    private readonly LinkedList<KeyValuePair<string, float[]>> _order = new(); // most recent first

    public int Count => _index.Count;

    public bool TryGet(string text, out float[] vector)
    {
        if (_index.TryGetValue(text, out var node))
        {
            _order.Remove(node);
            _order.AddFirst(node);
            vector = node.Value.Value;
            return true;
        }

        vector = [];
        return false;
    }

    public void Add(string text, float[] vector)
    {
        if (capacity == 0)
        {
            return;
        }

        if (_index.TryGetValue(text, out var existing))
        {
            _order.Remove(existing);
        }
        else if (_index.Count >= capacity)
        {
            var oldest = _order.Last!;
            _order.RemoveLast();
            _index.Remove(oldest.Value.Key);
        }

        _index[text] = _order.AddFirst(new KeyValuePair<string, float[]>(text, vector));
    }
}
