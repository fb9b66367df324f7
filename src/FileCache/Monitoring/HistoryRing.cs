namespace FileCache.Monitoring;

/// <summary>
/// A bounded ring of snapshots, oldest first; guarded by the monitor's lock. Its array starts small and doubles as
/// snapshots come, up to <c>capacity</c>, so a young cache does not hold a day's worth of empty slots.
/// </summary>
internal sealed class HistoryRing(int capacity)
{
    private const int InitialSlots = 16;
    private StatisticsSnapshot[] _items = new StatisticsSnapshot[Math.Min(capacity, InitialSlots)];
    private int _start;

    public int Count { get; private set; }

    public StatisticsSnapshot this[int index] => _items[(_start + index) % _items.Length];

    public StatisticsSnapshot? Latest => Count == 0 ? null : this[Count - 1];

    public void Add(StatisticsSnapshot snapshot)
    {
        if (Count == _items.Length && _items.Length < capacity)
        {
            // Not yet wrapped (the ring only wraps at full capacity), so the items are in order from 0.
            Array.Resize(ref _items, (int)Math.Min(capacity, 2L * _items.Length));
        }

        if (Count < _items.Length)
        {
            _items[(_start + Count) % _items.Length] = snapshot;
            Count++;
        }
        else
        {
            _items[_start] = snapshot;
            _start = (_start + 1) % _items.Length;
        }
    }

    /// <summary>The latest snapshot taken at or before <paramref name="at"/>, or null when every snapshot is later.</summary>
    public StatisticsSnapshot? AtOrBefore(DateTimeOffset at)
    {
        for (int i = Count - 1; i >= 0; i--)
        {
            if (this[i].At <= at)
            {
                return this[i];
            }
        }

        return null;
    }

    public StatisticsSnapshot[] ToArray()
    {
        var result = new StatisticsSnapshot[Count];
        for (int i = 0; i < Count; i++)
        {
            result[i] = this[i];
        }

        return result;
    }
}
