namespace FileCache.Storage;

/// <summary>
/// One cached value. Immutable but for the access mark, the last-access time (sliding expiration) and the
/// list links; a new value for a key is a new entry, so readers never see a half-updated entry.
/// </summary>
internal sealed class CacheEntry
{
    /// <summary>Creates a list sentinel.</summary>
    public CacheEntry()
    {
        Partition = null!;
        Prev = Next = PartPrev = PartNext = this;
        AbsoluteExpiresAt = long.MaxValue;
    }

    public CacheEntry(in FileKey key, Partition partition, object? value, long size, long absoluteExpiresAt, long slidingTicks, long now)
    {
        Key = key;
        Partition = partition;
        Value = value;
        Size = size;
        AbsoluteExpiresAt = absoluteExpiresAt;
        SlidingTicks = slidingTicks;
        HasExpiry = absoluteExpiresAt != long.MaxValue || slidingTicks != 0;
        CanExpire = HasExpiry;
        LastAccess = now;
    }

    public readonly FileKey Key;
    public readonly Partition Partition;
    public readonly object? Value;

    /// <summary>The bytes counted against the budget.</summary>
    public readonly long Size;

    /// <summary>Timestamp (TimeProvider units) at which the entry expires; <see cref="long.MaxValue"/> for never.</summary>
    public readonly long AbsoluteExpiresAt;

    /// <summary>Sliding window in timestamp units; 0 for none.</summary>
    public readonly long SlidingTicks;

    /// <summary>True when the entry has an absolute or sliding expiration.</summary>
    public readonly bool HasExpiry;

    /// <summary>
    /// True when a hit must take the slow path: the entry can expire, is checked against the disk on read, or was
    /// soft-invalidated (set once, before or after publication, never cleared).
    /// </summary>
    public bool CanExpire;

    /// <summary>Invalidation state (tags, dependencies, validation, staleness); null for plain entries.</summary>
    public Invalidation.EntryCoherence? Coherence;

    /// <summary>Reloads the entry after a soft invalidation (set for loader entries; files are reread by the cache).</summary>
    public Invalidation.EntryRefresher? Refresher;

    // The path index (Invalidation/PathIndex): the node of the entry's path and the links of its list; store lock.
    public Invalidation.PathNode? IndexNode;
    public CacheEntry? IndexPrev;
    public CacheEntry? IndexNext;

    /// <summary>Last read, in timestamp units; written by hits only when <see cref="SlidingTicks"/> is set.</summary>
    public long LastAccess;

    /// <summary>
    /// The CLOCK access mark: set by a hit (a plain store, only when not already set, so a hot entry's cache
    /// line is not written on every hit), cleared by the evictor when it gives the entry a second chance.
    /// A lost race between the two costs one second chance, never correctness.
    /// </summary>
    public bool Accessed;

    // Links of the global and the partition's eviction lists; guarded by the store lock.
    public CacheEntry Prev = null!;
    public CacheEntry Next = null!;
    public CacheEntry PartPrev = null!;
    public CacheEntry PartNext = null!;

    /// <summary>True while the entry is in the store's lists and counted; guarded by the store lock.</summary>
    public bool Linked;

    public bool IsExpired(long now) =>
        now >= AbsoluteExpiresAt || (SlidingTicks != 0 && now - Volatile.Read(ref LastAccess) >= SlidingTicks);
}
