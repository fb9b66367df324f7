using System.Collections.Concurrent;

namespace FileCache.Peers.Routing;

/// <summary>
/// Hot-key mirroring. A key another node owns is fetched on every miss; it is kept here (mirrored) only once its request
/// rate on this node reaches <see cref="PeerOptions.HotKeyThreshold"/> per second, and only while the mirrored bytes stay
/// within <see cref="PeerOptions.MirrorBudgetShare"/> of the cache's byte budget. Mirrored copies are ordinary entries of
/// the local cache: the same invalidation path, fences and read lease as every other entry. The rate is counted in a
/// fixed table of one-second windows indexed by the key's hash (a collision can only make a key look hotter: a hint);
/// the mirrored bytes are tracked per key and released when the cache removes the entry, whatever the reason.
/// </summary>
internal sealed class MirrorPolicy
{
    private const int Slots = 4096;

    private readonly double _threshold;
    private readonly double _share;
    private readonly TimeProvider _time;
    private readonly long _windowTicks;
    private readonly long[] _windowStart = new long[Slots];
    private readonly int[] _counts = new int[Slots];
    private readonly ConcurrentDictionary<FileKey, int> _mirrored = new();
    private readonly Func<(IFileCache Cache, long BudgetBytes)> _cache;
    private (IFileCache Cache, long BudgetBytes)? _attached;
    private long _bytes;

    public MirrorPolicy(double threshold, double share, TimeProvider time, Func<(IFileCache Cache, long BudgetBytes)> cache)
    {
        _threshold = threshold;
        _share = share;
        _time = time;
        _cache = cache;
        _windowTicks = time.TimestampFrequency;
    }

    /// <summary>Gets the bytes of the mirrored entries now.</summary>
    public long MirroredBytes => Interlocked.Read(ref _bytes);

    /// <summary>Counts a request for a key this node fetched from its owner; true when the result is to be kept.</summary>
    public bool ShouldKeep(in FileKey key, ulong keyHash, int bytes)
    {
        if (_threshold == 0)
        {
            return true;
        }

        if (!IsHot(keyHash))
        {
            return false;
        }

        long limit = (long)(Attach() * _share);

        // Reserve the bytes first (a CAS loop: never above the limit, whatever the concurrency), then record the key.
        long current;
        do
        {
            current = Interlocked.Read(ref _bytes);
            if (current + bytes > limit)
            {
                return false;
            }
        }
        while (Interlocked.CompareExchange(ref _bytes, current + bytes, current) != current);

        if (!_mirrored.TryAdd(key, bytes))
        {
            // Already counted (a concurrent load of the same key): give the reservation back.
            Interlocked.Add(ref _bytes, -bytes);
        }

        return true;
    }

    private bool IsHot(ulong keyHash)
    {
        int slot = (int)(keyHash % Slots);
        long now = _time.GetTimestamp();
        int count;
        lock (_counts)
        {
            if (now - _windowStart[slot] >= _windowTicks)
            {
                _windowStart[slot] = now;
                _counts[slot] = 0;
            }

            count = ++_counts[slot];
        }

        return count >= _threshold;
    }

    /// <summary>Subscribes to the cache's removals once (the cache is built by then: this runs in one of its loads); returns the budget.</summary>
    private long Attach()
    {
        if (_attached is { } attached)
        {
            return attached.BudgetBytes;
        }

        lock (_mirrored)
        {
            if (_attached is null)
            {
                var value = _cache();
                value.Cache.EntryRemoved += OnRemoved;
                _attached = value;
            }

            return _attached.Value.BudgetBytes;
        }
    }

    private void OnRemoved(object? sender, FileCacheEntryRemovedEventArgs e)
    {
        if (_mirrored.TryRemove(e.Key, out int bytes))
        {
            Interlocked.Add(ref _bytes, -bytes);
        }
    }
}
