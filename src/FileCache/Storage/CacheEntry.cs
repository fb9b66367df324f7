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

    /// <summary>The most hits <see cref="Hits"/> counts before it saturates.</summary>
    public const byte MaxHits = 15;

    /// <summary>
    /// Hits since the evictor last looked at the entry, saturating at <see cref="MaxHits"/>: the CLOCK access
    /// mark (non-zero means "read since") and, for the TinyLFU policy, the hits it folds into its frequency
    /// sketch. A hit writes it only while below the cap, so a hot entry's cache line stops being written after
    /// a few hits; the evictor resets it. A plain (non-atomic) increment: a lost update loses one hit of
    /// frequency, never correctness.
    /// </summary>
    public byte Hits;

    /// <summary>The TinyLFU segment (window, probation, protected); guarded by the store lock.</summary>
    public byte Segment;

    /// <summary>The key's process-independent hash, for the TinyLFU sketch; set at insert under the store lock.</summary>
    public int SketchHash;

    /// <summary>
    /// The TinyLFU policy's request clock when the entry was inserted (its key's last miss), low 32 bits; store lock.
    /// Fits in the padding after the other small fields, so the entry does not grow.
    /// </summary>
    public int PolicyStamp;

    // Links of the global and the partition's eviction lists; guarded by the store lock.
    public CacheEntry Prev = null!;
    public CacheEntry Next = null!;
    public CacheEntry PartPrev = null!;
    public CacheEntry PartNext = null!;

    /// <summary>True while the entry is in the store's lists and counted; guarded by the store lock.</summary>
    public bool Linked;

    // Links of the expiry bucket the entry is filed in (null when not filed), and that bucket; store lock.
    public CacheEntry? ExpPrev;
    public CacheEntry? ExpNext;
    public long ExpBucket;

    /// <summary>The timestamp at which the entry expires unless a hit renews it first.</summary>
    public long ExpiresAt() =>
        SlidingTicks == 0 ? AbsoluteExpiresAt : Math.Min(AbsoluteExpiresAt, Volatile.Read(ref LastAccess) + SlidingTicks);

    public bool IsExpired(long now) =>
        now >= AbsoluteExpiresAt || (SlidingTicks != 0 && now - Volatile.Read(ref LastAccess) >= SlidingTicks);
}
