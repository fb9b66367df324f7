namespace FileCache.Eviction;

/// <summary>
/// The hashes of the last few keys the admission policy dropped, oldest forgotten first: a bounded FIFO set.
/// Used under the store lock only.
/// </summary>
internal sealed class GhostSet
{
    private readonly Dictionary<int, long> _set = [];
    private readonly Queue<int> _order = new();

    /// <summary>Forgets <paramref name="hash"/>; true if it was remembered.</summary>
    public bool Remove(int hash) => _set.Remove(hash);

    /// <summary>Forgets <paramref name="hash"/>; true if it was remembered, with the stamp it was remembered with.</summary>
    public bool Remove(int hash, out long stamp) => _set.Remove(hash, out stamp);

    /// <summary>Remembers <paramref name="hash"/>, forgetting the oldest beyond <paramref name="capacity"/>.</summary>
    public void Remember(int hash, long capacity, long stamp = 0)
    {
        if (_set.TryAdd(hash, stamp))
        {
            _order.Enqueue(hash);
        }

        // The queue may hold hashes already removed from the set: dropping them is harmless.
        while (_order.Count > capacity)
        {
            _set.Remove(_order.Dequeue());
        }
    }
}
