namespace FileCache;

/// <summary>Describes an entry that left the cache.</summary>
public sealed class FileCacheEntryRemovedEventArgs : EventArgs
{
    /// <summary>Initializes a new instance of the <see cref="FileCacheEntryRemovedEventArgs"/> class.</summary>
    /// <param name="key">The entry's key.</param>
    /// <param name="reason">Why it was removed.</param>
    /// <param name="size">The bytes it was counted for.</param>
    public FileCacheEntryRemovedEventArgs(FileKey key, RemovalReason reason, long size)
    {
        Key = key;
        Reason = reason;
        Size = size;
    }

    /// <summary>Gets the entry's key.</summary>
    public FileKey Key { get; }

    /// <summary>Gets why the entry was removed.</summary>
    public RemovalReason Reason { get; }

    /// <summary>Gets the bytes the entry was counted for against the budget.</summary>
    public long Size { get; }
}
