namespace FileCache.Writing;

/// <summary>
/// What <see cref="IFileCache.WriteAsync"/> does with a write-behind that would take the pending writes past
/// <see cref="FileCacheWriteOptions.MaxPendingBytes"/> or <see cref="FileCacheWriteOptions.MaxPendingFiles"/>.
/// </summary>
public enum WriteBehindFullMode
{
    /// <summary>
    /// The call waits, in arrival order, until flushes make room (flushes start at once rather than after
    /// <see cref="FileCacheWriteOptions.WriteBehindDelay"/> while anyone waits), then writes behind. Its token cancels
    /// the wait; a cancelled write is not made at all (neither the cache nor the disk sees it).
    /// </summary>
    Wait = 0,

    /// <summary>The call fails at once with a <see cref="FileWriteBehindFullException"/>; the write is not made.</summary>
    Fail = 1,
}
