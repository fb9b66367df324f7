namespace FileCache.Invalidation;

/// <summary>Why entries were invalidated; every invalidated entry is counted under one cause in the statistics.</summary>
public enum InvalidationCause
{
    /// <summary>An explicit call: <see cref="IFileCache.Invalidate(InvalidationRequest)"/>, <c>Remove</c> or <c>InvalidateProject</c>.</summary>
    Explicit = 0,

    /// <summary>A file-system change reported by the watcher (or found by the polling fallback).</summary>
    Watcher = 1,

    /// <summary>The entry depended on an invalidated key.</summary>
    Cascade = 2,

    /// <summary>A check on read (or a poll) found the file's version differs from the cached one.</summary>
    VersionMismatch = 3,

    /// <summary>The entry expired, or a stale entry outlived its maximum staleness.</summary>
    Expiry = 4,

    /// <summary>An <see cref="IInvalidationHook"/> added the key to a request.</summary>
    Hook = 5,

    /// <summary>The watcher lost events (buffer overflow or error), so the whole project was invalidated.</summary>
    Overflow = 6,
}
