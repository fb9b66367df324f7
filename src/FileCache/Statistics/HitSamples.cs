using FileCache.Storage;

namespace FileCache.Statistics;

/// <summary>
/// A partition's ring of sampled hits and its top keys. A sampled hit stores its entry in the slot its hit
/// number selects (a plain reference store: no allocation, no lock, no extra atomic); concurrent hits that pick
/// the same slot overwrite each other, which only thins the sample. <see cref="HotKeyTracker"/> drains the ring.
/// </summary>
internal sealed class HitSamples
{
    /// <summary>Slots per partition: the ring is drained at least every SlotCount samples per counter cell.</summary>
    public const int SlotCount = 256;

    private readonly CacheEntry?[] _slots = new CacheEntry?[SlotCount];
    private readonly int _shift;

    public HitSamples(int sampleRate, int hotKeyCount)
    {
        _shift = System.Numerics.BitOperations.Log2((uint)sampleRate);
        Top = new TopKeys(hotKeyCount);
    }

    /// <summary>The partition's top keys; guarded by the tracker's drain lock.</summary>
    public TopKeys Top { get; }

    /// <summary>Stores a sampled hit; returns true when it wrapped the ring (time to drain).</summary>
    public bool Add(CacheEntry entry, long hitNumber)
    {
        int slot = (int)(hitNumber >> _shift) & (SlotCount - 1);
        _slots[slot] = entry;
        return slot == 0;
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
