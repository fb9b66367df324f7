namespace FileCache.HitRate;

/// <summary>
/// The reference policy: strict LRU over at most <see cref="Capacity"/> entries of size 1. A dictionary finds
/// a key's node; an intrusive doubly linked list orders the nodes from least to most recently used. Every
/// access is O(1), and once the cache is full a miss reuses the evicted node, so replay allocates nothing.
/// </summary>
internal sealed class StrictLru
{
    private readonly Dictionary<ulong, Node> _map;
    private readonly Node _head = new(0); // sentinel: _head.Next is the least recently used, _head.Prev the most

    public StrictLru(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _map = new Dictionary<ulong, Node>(capacity + 1);
        _head.Prev = _head.Next = _head;
    }

    public int Capacity { get; }

    public int Count => _map.Count;

    public long Hits { get; private set; }

    public long Misses { get; private set; }

    /// <summary>One read of <paramref name="key"/>: true on a hit; on a miss the key is inserted, evicting the least recently used key if full.</summary>
    public bool Access(ulong key)
    {
        if (_map.TryGetValue(key, out var node))
        {
            Hits++;
            if (node.Next != _head)
            {
                Unlink(node);
                LinkMostRecent(node);
            }

            return true;
        }

        Misses++;
        if (_map.Count == Capacity)
        {
            node = _head.Next;
            Unlink(node);
            _map.Remove(node.Key);
            node.Key = key;
        }
        else
        {
            node = new Node(key);
        }

        _map.Add(key, node);
        LinkMostRecent(node);
        return false;
    }

    public bool Contains(ulong key) => _map.ContainsKey(key);

    /// <summary>The cached keys from least to most recently used.</summary>
    public IEnumerable<ulong> KeysLeastRecentFirst()
    {
        for (var node = _head.Next; node != _head; node = node.Next)
        {
            yield return node.Key;
        }
    }

    /// <summary>Replays <paramref name="requests"/> into a new cache of <paramref name="capacity"/> entries.</summary>
    public static HitCount Replay(ReadOnlySpan<ulong> requests, int capacity)
    {
        var lru = new StrictLru(capacity);
        foreach (ulong key in requests)
        {
            lru.Access(key);
        }

        return new HitCount(lru.Hits, requests.Length);
    }

    private void LinkMostRecent(Node node)
    {
        node.Prev = _head.Prev;
        node.Next = _head;
        _head.Prev.Next = node;
        _head.Prev = node;
    }

    private static void Unlink(Node node)
    {
        node.Prev.Next = node.Next;
        node.Next.Prev = node.Prev;
    }

    private sealed class Node(ulong key)
    {
        public ulong Key = key;
        public Node Prev = null!;
        public Node Next = null!;
    }
}
