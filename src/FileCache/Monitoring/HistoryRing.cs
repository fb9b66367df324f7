namespace FileCache.Monitoring;

/// <summary>A bounded ring of snapshots, oldest first; guarded by the monitor's lock.</summary>
internal sealed class HistoryRing(int capacity)
{
    private readonly StatisticsSnapshot[] _items = new StatisticsSnapshot[capacity];
    private int _start;

    public int Count { get; private set; }

    public StatisticsSnapshot this[int index] => _items[(_start + index) % _items.Length];

    public StatisticsSnapshot? Latest => Count == 0 ? null : this[Count - 1];

    public void Add(StatisticsSnapshot snapshot)
    {
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
