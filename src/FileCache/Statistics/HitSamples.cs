using FileCache.Storage;

namespace FileCache.Statistics;

/// <summary>
/// A partition's ring of sampled hits and its top keys. A sampled hit stores its entry in the next slot (a plain
/// reference store: no allocation, no lock, no atomic); concurrent sampled hits that take the same slot overwrite
/// each other, which only thins the sample. <see cref="HotKeyTracker"/> drains the ring.
/// </summary>
internal sealed class HitSamples
{
    /// <summary>Slots per partition: the ring is drained at least every SlotCount samples per counter cell.</summary>
    public const int SlotCount = 256;

    private readonly CacheEntry?[] _slots = new CacheEntry?[SlotCount];
    private int _cursor;

    public HitSamples(int hotKeyCount)
    {
        Top = new TopKeys(hotKeyCount);
    }

    /// <summary>The partition's top keys; guarded by the tracker's drain lock.</summary>
    public TopKeys Top { get; }

    /// <summary>Stores a sampled hit; returns true when it took the ring's last slot (time to drain).</summary>
    public bool Add(CacheEntry entry)
    {
        // A plain (not atomic) cursor: two sampled hits racing may take the same slot, and one sample is lost.
        // That only thins the sample, and keeps sampled hits from contending on an Interlocked cell.
        int slot = _cursor++ & (SlotCount - 1);
        _slots[slot] = entry;
        return slot == SlotCount - 1;
    }

    /// <summary>Takes the stored samples (caller holds the drain lock); a slot written meanwhile may be lost, which only thins the sample.</summary>
    public void Drain(Action<CacheEntry> consume)
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            var entry = Volatile.Read(ref _slots[i]);
            if (entry is not null)
            {
                _slots[i] = null;
                consume(entry);
            }
        }
    }
}
