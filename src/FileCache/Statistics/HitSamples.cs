using FileCache.Storage;

namespace FileCache.Statistics;

/// <summary>
/// A partition's ring of sampled hits and its top keys. A sampled hit stores its entry in the next slot (a plain
/// reference store: no allocation, no lock, no atomic); concurrent sampled hits that take the same slot overwrite
/// each other, which only thins the sample. <see cref="HotKeyTracker"/> drains the ring. The ring (2 KB) is made with
/// the project's first entry (<see cref="Prepare"/>, from the store, so no hit allocates it), and a project that
/// never held one does not pay for it.
/// </summary>
internal sealed class HitSamples
{
    /// <summary>Slots per partition: the ring is drained at least every SlotCount samples per counter cell.</summary>
    public const int SlotCount = 256;

    private CacheEntry?[]? _slots;
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
        var slots = _slots ?? MakeSlots();
        int slot = _cursor++ & (SlotCount - 1);
        slots[slot] = entry;
        return slot == SlotCount - 1;
    }

    /// <summary>Makes the ring if it was not made yet (the store calls it when the project gets its first entry).</summary>
    public void Prepare()
    {
        if (Volatile.Read(ref _slots) is null)
        {
            MakeSlots();
        }
    }

    /// <summary>Gets a value indicating whether the ring was made.</summary>
    public bool HasRing => Volatile.Read(ref _slots) is not null;

    /// <summary>Takes the stored samples (caller holds the drain lock); a slot written meanwhile may be lost, which only thins the sample.</summary>
    public void Drain(Action<CacheEntry> consume)
    {
        var slots = Volatile.Read(ref _slots);
        if (slots is null)
        {
            return;
        }

        for (int i = 0; i < slots.Length; i++)
        {
            var entry = Volatile.Read(ref slots[i]);
            if (entry is not null)
            {
                slots[i] = null;
                consume(entry);
            }
        }
    }

    /// <summary>Makes the ring (a hit only makes it if it raced the store's <see cref="Prepare"/>); of two racing, both store into the one that was published.</summary>
    private CacheEntry?[] MakeSlots()
    {
        Interlocked.CompareExchange(ref _slots, new CacheEntry?[SlotCount], null);
        return _slots;
    }
}
