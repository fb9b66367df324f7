namespace FileCache.Storage;

/// <summary>
/// One cached value. Immutable but for the access mark, the last-access time (sliding expiration) and the
/// list links; a new value for a key is a new entry, so readers never see a half-updated entry.
/// </summary>
/// <remarks>
/// The entry is also the node of its partition's <see cref="EntryMap"/>. It keeps its file name and its directory's
/// node of the path index (which holds the directory's path once for all its files; the project, its hash and case
/// rule are the partition's), never its full path, and what only some entries need lives in side objects
/// that only those pay for: <see cref="Expiry"/> (entries that can expire), <see cref="Coherence"/> (tags,
/// dependencies, checks against the disk, staleness) and <see cref="Refresher"/> (loader entries).
/// </remarks>
internal sealed class CacheEntry
{
    /// <summary>Creates a list sentinel (of the eviction lists or an expiry bucket) or the map's tombstone.</summary>
    public CacheEntry()
    {
        Name = FileName.Of("\0");
        IndexNode = NoDirectory;
        Prev = Next = this;
        Side = new EntrySide { Expiry = new EntryExpiry(long.MaxValue, 0, 0) };
        Side.PartPrev = Side.PartNext = this;
    }

    public CacheEntry(in FileKey key, Invalidation.PathNode directory, FileName name, Partition partition, object? value, long size, long absoluteExpiresAt, long slidingTicks, long now)
    {
        IndexNode = directory;
        Name = name;
        Hash = key.GetHashCode();
        System.Diagnostics.Debug.Assert(ReferenceEquals(directory.Project, partition.Identity), "An entry's directory node is of its partition's path index.");
        Value = value;
        if (absoluteExpiresAt != long.MaxValue || slidingTicks != 0)
        {
            Side = new EntrySide { Expiry = new EntryExpiry(absoluteExpiresAt, slidingTicks, now) };
            CanExpire = true;
        }

        if (partition.Quota != long.MaxValue)
        {
            // Only a project with a quota evicts from its own list: its entries keep that list's links on the side.
            Side ??= new EntrySide();
            Side.PartPrev = Side.PartNext = this;
        }

        if (size is >= 0 and < int.MaxValue)
        {
            _size = (int)size;
        }
        else
        {
            // A declared size past 2 GiB (or a negative one, which validation refuses) lives on the side.
            _size = int.MaxValue;
            (Side ??= new EntrySide()).Size = size;
        }

        if (key.Variant is not null)
        {
            // Derived data: the few entries with a variant keep it on the side (loader entries have one already).
            (Side ??= new EntrySide()).Variant = key.Variant;
            _hasVariant = true;
        }
    }

    /// <summary>A directory no key names (a name with NUL never matches): the node of sentinels and the map's tombstone.</summary>
    private static readonly Invalidation.PathNode NoDirectory = new("\0", null, null);

    /// <summary>The file's name, the last segment of its key's path (the key's path itself at the project's root).</summary>
    public readonly FileName Name;

    /// <summary>The key's variant, null for a file's own bytes (kept on the side object: a file's entry pays nothing for it).</summary>
    public string? Variant => _hasVariant ? Side!.Variant : null;

    /// <summary>True when the key has a variant (on <see cref="Side"/>); a hit of a key without one reads only this.</summary>
    private readonly bool _hasVariant;

    public bool HasVariant => _hasVariant;

    /// <summary>The entry's project, through its directory's node (8 bytes an entry does not keep); null for sentinels and the tombstone.</summary>
    public Partition Partition => IndexNode.Project?.Partition!;
    public readonly object? Value;

    private readonly int _size;

    /// <summary>The bytes counted against the budget.</summary>
    public long Size => _size != int.MaxValue ? _size : Side!.Size;

    /// <summary>The key's hash (<see cref="FileKey.GetHashCode"/>), for the map.</summary>
    public readonly int Hash;

    /// <summary>The key's process-independent hash, for the TinyLFU sketch; set at insert under the store lock.</summary>
    public int SketchHash;

    /// <summary>
    /// True when a hit must take the slow path: the entry can expire, is checked against the disk on read, or was
    /// soft-invalidated (set once, before or after publication, never cleared).
    /// </summary>
    public bool CanExpire;

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

    /// <summary>True while the entry is in the store's lists and counted; guarded by the store lock.</summary>
    public bool Linked;

    /// <summary>What only some entries carry (expiry, coherence, refresher); null for a plain entry. Set before publication.</summary>
    public EntrySide? Side;

    /// <summary>Expiration state; null for entries that never expire.</summary>
    public EntryExpiry? Expiry => Side?.Expiry;

    /// <summary>Invalidation state (tags, dependencies, validation, staleness); null for plain entries. Set before publication.</summary>
    public Invalidation.EntryCoherence? Coherence
    {
        get => Side?.Coherence;
        set
        {
            if (Side is { } side)
            {
                side.Coherence = value;
            }
            else if (value is not null)
            {
                // Published whole: a reader that sees the side object sees its field set.
                Volatile.Write(ref Side, new EntrySide { Coherence = value });
            }
        }
    }

    /// <summary>Reloads the entry after a soft invalidation (set for loader entries; files are reread by the cache). Set before publication.</summary>
    public Invalidation.EntryRefresher? Refresher
    {
        get => Side?.Refresher;
        set
        {
            if (Side is { } side)
            {
                side.Refresher = value;
            }
            else if (value is not null)
            {
                // Published whole: a reader that sees the side object sees its field set.
                Volatile.Write(ref Side, new EntrySide { Refresher = value });
            }
        }
    }

    /// <summary>
    /// The node of the entry's directory in the path index (its path and the list of its entries), never null. Set
    /// before publication; the index may replace it under the store lock by the trie's node of the same directory.
    /// </summary>
    public Invalidation.PathNode IndexNode;

    // The links of the entries of the directory (Invalidation/PathIndex); store lock.
    public CacheEntry? IndexPrev;
    public CacheEntry? IndexNext;

    /// <summary>
    /// The TinyLFU policy's request clock when the entry was inserted (its key's last miss), low 32 bits; store lock.
    /// Fits in the padding after the other small fields, so the entry does not grow.
    /// </summary>
    public int PolicyStamp;

    // Links of the global eviction list; guarded by the store lock.
    public CacheEntry Prev = null!;
    public CacheEntry Next = null!;

    /// <summary>
    /// True when the entry is on its partition's eviction list too (its project has a quota; list sentinels): the links
    /// are on <see cref="Side"/>, so the entries of projects without a quota do not pay 16 bytes for them.
    /// </summary>
    public bool HasPartitionLinks => Side?.PartPrev is not null;

    // Links of the partition's eviction list (projects with a quota, and list sentinels); guarded by the store lock.
    public CacheEntry PartPrev
    {
        get => Side!.PartPrev!;
        set => Side!.PartPrev = value;
    }

    public CacheEntry PartNext
    {
        get => Side!.PartNext!;
        set => Side!.PartNext = value;
    }

    /// <summary>The key's normalized path, joined from the directory's path and the name (a new string, except at the root).</summary>
    public string Path => IndexNode.PathOf(Name);

    /// <summary>The entry's key, rebuilt from its directory, name and partition (a new path string, except at the root).</summary>
    public FileKey Key => new(Partition.Name, Partition.NameHash, Path, Variant, Partition.IgnoreCase, Hash, Name);

    /// <summary>Whether <paramref name="key"/> names this entry (any project); allocates nothing.</summary>
    public bool Is(in FileKey key) =>
        key.GetHashCode() == Hash
        && Partition is { } partition
        && key.IgnoreCase == partition.IgnoreCase
        && (ReferenceEquals(key.Project, partition.Name) || string.Equals(key.Project, partition.Name, StringComparison.Ordinal))
        && (Name.Same(key.Name) || EntryMap.PathMatches(this, key.Path, partition.IgnoreCase))
        && string.Equals(Variant, key.Variant, StringComparison.Ordinal);

    /// <summary>True when the entry has an absolute or sliding expiration.</summary>
    public bool HasExpiry => Expiry is not null;

    /// <summary>Timestamp (TimeProvider units) at which the entry expires; <see cref="long.MaxValue"/> for never.</summary>
    public long AbsoluteExpiresAt => Expiry?.AbsoluteExpiresAt ?? long.MaxValue;

    /// <summary>Sliding window in timestamp units; 0 for none.</summary>
    public long SlidingTicks => Expiry?.SlidingTicks ?? 0;

    // Links of the expiry bucket the entry is filed in (null when not filed), and that bucket; store lock.
    public CacheEntry? ExpPrev
    {
        get => Expiry?.Prev;
        set => Expiry!.Prev = value;
    }

    public CacheEntry? ExpNext
    {
        get => Expiry?.Next;
        set => Expiry!.Next = value;
    }

    public long ExpBucket
    {
        get => Expiry!.Bucket;
        set => Expiry!.Bucket = value;
    }

    /// <summary>The timestamp at which the entry expires unless a hit renews it first.</summary>
    public long ExpiresAt() => Expiry?.ExpiresAt() ?? long.MaxValue;

    public bool IsExpired(long now) => Expiry is { } expiry && expiry.IsExpired(now);
}

/// <summary>The state only some entries carry, kept out of <see cref="CacheEntry"/> so that plain entries do not pay for it.</summary>
internal sealed class EntrySide
{
    public EntryExpiry? Expiry;
    public Invalidation.EntryCoherence? Coherence;
    public Invalidation.EntryRefresher? Refresher;

    /// <summary>The entry's size when it does not fit the entry's 32-bit field.</summary>
    public long Size;

    /// <summary>The key's variant (derived data); set before publication.</summary>
    public string? Variant;

    // Links of the partition's eviction list, for the entries of a project with a quota (set at construction); store lock.
    public CacheEntry? PartPrev;
    public CacheEntry? PartNext;
}

/// <summary>The expiration state of an entry that can expire (the others do not carry it).</summary>
internal sealed class EntryExpiry(long absoluteExpiresAt, long slidingTicks, long now)
{
    /// <summary>Timestamp (TimeProvider units) at which the entry expires; <see cref="long.MaxValue"/> for never.</summary>
    public readonly long AbsoluteExpiresAt = absoluteExpiresAt;

    /// <summary>Sliding window in timestamp units; 0 for none.</summary>
    public readonly long SlidingTicks = slidingTicks;

    /// <summary>Last read, in timestamp units; written by hits only when <see cref="SlidingTicks"/> is set.</summary>
    public long LastAccess = now;

    /// <summary>1 once a read started this entry's refresh-ahead (Warming/); at most one per entry.</summary>
    public int RefreshAheadStarted;

    // Links of the expiry bucket the entry is filed in (null when not filed), and that bucket; store lock.
    public CacheEntry? Prev;
    public CacheEntry? Next;
    public long Bucket;

    public long ExpiresAt() =>
        SlidingTicks == 0 ? AbsoluteExpiresAt : Math.Min(AbsoluteExpiresAt, Volatile.Read(ref LastAccess) + SlidingTicks);

    public bool IsExpired(long now) =>
        now >= AbsoluteExpiresAt || (SlidingTicks != 0 && now - Volatile.Read(ref LastAccess) >= SlidingTicks);
}
