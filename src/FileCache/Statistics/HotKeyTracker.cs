using FileCache.Storage;

namespace FileCache.Statistics;

/// <summary>
/// Approximate most-accessed keys, per project and over all projects, in bounded memory: sampled hits go to
/// each partition's <see cref="HitSamples"/> ring; draining feeds them to one count-min sketch (frequency per
/// key) and to fixed-size top-K tables. Draining happens when a ring wraps (on the sampling hit's thread, only
/// if no other drain is running: <see cref="Monitor.TryEnter(object)"/> never waits), and before every read.
/// Every drain first widens the sketch to the number of entries the cache holds (<see cref="AccessSketch.EnsureCapacity"/>).
/// </summary>
internal sealed class HotKeyTracker
{
    private readonly object _lock = new();
    private readonly AccessSketch _sketch;
    private readonly TopKeys _global;
    private readonly int _sampleRate;
    private readonly int _hotKeyCount;
    private readonly Action<CacheEntry> _consume;
    private readonly Func<Partition[]> _partitions;
    private long _samples;

    /// <summary>Creates a tracker whose sketch is sized to the entries held by <paramref name="partitions"/>.</summary>
    public HotKeyTracker(int sampleRate, int hotKeyCount, Func<Partition[]> partitions)
    {
        _sampleRate = sampleRate;
        _hotKeyCount = hotKeyCount;
        _partitions = partitions;
        _sketch = new AccessSketch(MaxSketchWidth);
        _global = new TopKeys(hotKeyCount);
        _consume = Consume;
    }

    /// <summary>The sketch's widest row: 32 KB of counters, reached when the cache holds over 2,048 entries.</summary>
    public const int MaxSketchWidth = AccessSketch.MaxWidth;

    public HitSamples NewSamples() => new(_hotKeyCount);

    /// <summary>The sketch's current width (for tests).</summary>
    internal int SketchWidth
    {
        get
        {
            lock (_lock)
            {
                return _sketch.Width;
            }
        }
    }

    /// <summary>Samples drained so far.</summary>
    public long Samples => Volatile.Read(ref _samples);

    /// <summary>From the hit path: drains one partition's ring unless a drain is already running.</summary>
    public void TryDrain(Partition partition)
    {
        if (Monitor.TryEnter(_lock))
        {
            try
            {
                Fit(_partitions());
                partition.Samples!.Drain(_consume);
            }
            finally
            {
                Monitor.Exit(_lock);
            }
        }
    }

    public IReadOnlyList<HotKey> GetHotKeys(Partition[] partitions, Partition? project, int count)
    {
        lock (_lock)
        {
            DrainLocked(partitions);
            var top = project is null ? _global : project.Samples!.Top;
            CatchUp(top);
            var sorted = top.Sorted();
            var result = new List<HotKey>(Math.Min(count, sorted.Count));
            foreach (var (key, hits) in sorted)
            {
                if (result.Count == count)
                {
                    break;
                }

                result.Add(new HotKey(key, hits * _sampleRate));
            }

            return result;
        }
    }

    public long EstimateHits(Partition[] partitions, in FileKey key)
    {
        lock (_lock)
        {
            DrainLocked(partitions);
            return (long)_sketch.Estimate(key.GetHashCode()) * _sampleRate;
        }
    }

    /// <summary>Drops a removed project's keys from the global table.</summary>
    public void Forget(string project)
    {
        lock (_lock)
        {
            _global.RemoveWhere(key => string.Equals(key.Project, project, StringComparison.Ordinal));
        }
    }

    public void Drain(Partition[] partitions)
    {
        lock (_lock)
        {
            DrainLocked(partitions);
        }
    }

    private void DrainLocked(Partition[] partitions)
    {
        Fit(partitions);
        foreach (var partition in partitions)
        {
            partition.Samples?.Drain(_consume);
        }
    }

    /// <summary>Widens the sketch to the entries the partitions hold (caller holds the drain lock).</summary>
    private void Fit(Partition[] partitions)
    {
        long held = 0;
        foreach (var partition in partitions)
        {
            held += Volatile.Read(ref partition.Count);
        }

        _sketch.EnsureCapacity(held);
    }

    private void Consume(CacheEntry entry)
    {
        _samples++;
        long estimate = _sketch.Increment(entry.Hash);
        var top = entry.Partition.Samples!.Top;
        CatchUp(top);
        top.Offer(entry, estimate);
        CatchUp(_global);
        _global.Offer(entry, estimate);
    }

    /// <summary>Halves a table's counts as often as the sketch was halved since, so both stay on one scale.</summary>
    private void CatchUp(TopKeys top)
    {
        int behind = _sketch.Halvings - top.Halvings;
        for (int i = 0; i < behind && i < 64; i++)
        {
            top.Halve();
        }

        top.Halvings = _sketch.Halvings;
    }
}
