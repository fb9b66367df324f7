using FileCache.Storage;

namespace FileCache.Writing;

/// <summary>
/// The write state of one file while writes of it are pending or under way. Writes of one key are ordered by
/// <see cref="Sequence"/> (taken under this object's lock) and reach the disk one at a time through <see cref="Gate"/>.
/// Removed from the table (and marked <see cref="Retired"/>) once nothing is pending and nobody holds or awaits the gate;
/// a writer that finds a retired state takes a fresh one.
/// </summary>
internal sealed class KeyWriteState(FileKey key, Partition partition, string fullPath)
{
    public FileKey Key { get; } = key;

    public Partition Partition { get; } = partition;

    public string FullPath { get; } = fullPath;

    /// <summary>Serializes disk writes of this file (write-through calls and flushes), in the order they take it.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    // Everything below is guarded by lock (this).

    /// <summary>The number of the newest write of this key.</summary>
    public long Sequence;

    /// <summary>The number of the write whose bytes the cache was last given (never lowered: older bytes never replace newer).</summary>
    public long CachedSequence;

    /// <summary>The number of the newest write on disk: an older write that gets the gate later must not overwrite it.</summary>
    public long DiskSequence;

    /// <summary>The write-behind not yet on disk (the newest bytes; older ones were coalesced into it), or null.</summary>
    public PendingWrite? Pending;

    /// <summary>Disk writers holding or awaiting <see cref="Gate"/>.</summary>
    public int Users;

    /// <summary>Set when removed from the table: writers must not use it any more.</summary>
    public bool Retired;
}

/// <summary>A write-behind not yet flushed.</summary>
internal sealed class PendingWrite
{
    /// <summary>The newest bytes written.</summary>
    public required byte[] Content;

    /// <summary>The sequence number of the write that set <see cref="Content"/>.</summary>
    public long Sequence;

    /// <summary>What the file on disk is expected to be when flushed (null: absent); anything else is a conflict.</summary>
    public FileVersion? Base;

    /// <summary>The cached file the write inserted (its entry is refreshed in place once flushed).</summary>
    public required CachedFile File;

    /// <summary>Failed flush attempts of the current bytes.</summary>
    public int Attempts;

    /// <summary>When the next flush is due (cache <see cref="TimeProvider"/> timestamp).</summary>
    public long DueAt;
}
