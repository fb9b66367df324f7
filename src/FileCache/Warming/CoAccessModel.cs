namespace FileCache.Warming;

/// <summary>
/// An online co-access model over file misses: "after a miss of A, a miss of B followed within the window". For each
/// key it keeps at most <see cref="Successors"/> followers with decayed counts (space-saving: a new follower replaces
/// the weakest), so memory is bounded by <c>maxKeys</c> × <see cref="Successors"/>; when the table is full, the keys
/// not seen for the longest are dropped (half of them at a time, amortized). Counts halve every time the model has
/// seen <c>maxKeys</c> misses (the decay epoch), lazily when a key is next touched, so old habits fade.
/// All under one lock: it runs on misses only, a few dictionary operations each.
/// </summary>
internal sealed class CoAccessModel
{
    public const int Successors = 4;
    private const int RecentMisses = 4;
    private const float MinCount = 2f;

    private readonly object _lock = new();
    private readonly Dictionary<FileKey, Node> _nodes = [];
    private readonly (FileKey Key, long At)[] _recent = new (FileKey, long)[RecentMisses];
    private readonly int _maxKeys;
    private readonly long _windowTicks;
    private readonly double _minConfidence;
    private int _recentCount;
    private int _recentNext;
    private long _misses;
    private int _epoch;

    public CoAccessModel(int maxKeys, long windowTicks, double minConfidence)
    {
        _maxKeys = maxKeys;
        _windowTicks = windowTicks;
        _minConfidence = minConfidence;
    }

    /// <summary>Keys the model holds successors for.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _nodes.Count;
            }
        }
    }

    /// <summary>
    /// Records a miss of <paramref name="key"/> at <paramref name="now"/> (timestamp units) and writes into
    /// <paramref name="predicted"/> the followers of the key that are likely enough; returns how many.
    /// </summary>
    public int OnMiss(in FileKey key, long now, Span<FileKey> predicted)
    {
        lock (_lock)
        {
            if (++_misses % _maxKeys == 0)
            {
                _epoch++;
            }

            // Learn: every recent miss of the same project within the window is followed by this one. A key's total
            // counts its occurrences (bumped only from the miss right after it), so a follower's share is "how often it
            // came within the next few misses", not diluted by the other followers of the same occurrence.
            int last = (_recentNext + RecentMisses - 1) % RecentMisses;
            for (int i = 0; i < _recentCount; i++)
            {
                ref var recent = ref _recent[i];
                if (now - recent.At <= _windowTicks && !recent.Key.Equals(key) && string.Equals(recent.Key.Project, key.Project, StringComparison.Ordinal))
                {
                    Learn(recent.Key, key, occurrence: i == last);
                }
            }

            _recent[_recentNext] = (key, now);
            _recentNext = (_recentNext + 1) % RecentMisses;
            _recentCount = Math.Min(_recentCount + 1, RecentMisses);

            // Predict.
            if (!_nodes.TryGetValue(key, out var node))
            {
                return 0;
            }

            node.Decay(_epoch);
            node.LastSeen = _misses;
            int found = 0;
            for (int i = 0; i < node.Count && found < predicted.Length; i++)
            {
                float count = node.Counts[i];
                if (count >= MinCount && count >= _minConfidence * Math.Max(node.Total, 1f))
                {
                    predicted[found++] = node.Keys[i];
                }
            }

            return found;
        }
    }

    private void Learn(in FileKey from, in FileKey to, bool occurrence)
    {
        if (!_nodes.TryGetValue(from, out var node))
        {
            if (_nodes.Count >= _maxKeys)
            {
                Trim();
            }

            node = new Node(_epoch);
            _nodes.Add(from, node);
        }

        node.Decay(_epoch);
        node.LastSeen = _misses;
        node.Add(to, occurrence);
    }

    /// <summary>Drops the half of the keys seen longest ago (amortized: once per maxKeys/2 new keys).</summary>
    private void Trim()
    {
        var seen = new long[_nodes.Count];
        int i = 0;
        foreach (var node in _nodes.Values)
        {
            seen[i++] = node.LastSeen;
        }

        Array.Sort(seen);
        long cutoff = seen[seen.Length / 2];
        var drop = new List<FileKey>(seen.Length / 2 + 1);
        foreach (var (key, node) in _nodes)
        {
            if (node.LastSeen <= cutoff)
            {
                drop.Add(key);
            }
        }

        foreach (var key in drop)
        {
            _nodes.Remove(key);
        }
    }

    private sealed class Node(int epoch)
    {
        public readonly FileKey[] Keys = new FileKey[Successors];
        public readonly float[] Counts = new float[Successors];
        public int Count;
        public float Total;
        public long LastSeen;
        private int _epoch = epoch;

        public void Decay(int epoch)
        {
            int age = epoch - _epoch;
            if (age <= 0)
            {
                return;
            }

            float factor = age >= 30 ? 0f : 1f / (1 << age);
            Total *= factor;
            for (int i = 0; i < Count; i++)
            {
                Counts[i] *= factor;
            }

            _epoch = epoch;
        }

        public void Add(in FileKey key, bool occurrence)
        {
            if (occurrence)
            {
                Total++;
            }

            int weakest = 0;
            for (int i = 0; i < Count; i++)
            {
                if (Keys[i].Equals(key))
                {
                    Counts[i]++;
                    return;
                }

                if (Counts[i] < Counts[weakest])
                {
                    weakest = i;
                }
            }

            if (Count < Successors)
            {
                Keys[Count] = key;
                Counts[Count++] = 1;
                return;
            }

            // Space-saving: the newcomer inherits the weakest's count (an over-estimate, never an under-estimate).
            Keys[weakest] = key;
            Counts[weakest]++;
        }
    }
}
