namespace FileCache.Writing;

/// <summary>How <see cref="IFileCache.WriteAsync"/> reaches the disk.</summary>
public enum WriteMode
{
    /// <summary>
    /// The disk first, then the cache: the bytes go to a temporary file beside the target, which is then renamed
    /// over it (an atomic replace), and only then is the cache updated. When the call returns, the file is on disk.
    /// </summary>
    WriteThrough = 0,

    /// <summary>
    /// The cache now, the disk later: the call returns once the cache holds the bytes (every read sees them), and a
    /// background flush writes them (atomically, as for <see cref="WriteThrough"/>) after
    /// <see cref="FileCacheWriteOptions.WriteBehindDelay"/>. Several writes of one file before its flush become one
    /// flush of the newest bytes. A process that dies before the flush loses these bytes, never a file.
    /// </summary>
    WriteBehind = 1,
}
