namespace FileCache;

/// <summary>Per-entry options for <see cref="IFileCache.Set{T}(in FileKey, T, FileCacheEntryOptions?)"/> and <see cref="IFileCache.GetOrAddAsync{T}"/>.</summary>
public sealed class FileCacheEntryOptions
{
    /// <summary>Gets or sets the bytes the entry counts for against the budget.</summary>
    /// <value>
    /// Defaults to <see langword="null"/>: the payload size (for <see cref="CachedFile"/>, <c>byte[]</c>,
    /// <see cref="ReadOnlyMemory{T}"/> of bytes and <see cref="string"/>) plus a fixed per-entry overhead. Values of any
    /// other type must set it. When set, it is counted exactly as given. Must not be negative.
    /// </value>
    public long? Size { get; set; }

    /// <summary>Gets or sets how long after insertion the entry expires.</summary>
    /// <value>Defaults to <see langword="null"/>: the cache's <see cref="FileCacheOptions.DefaultAbsoluteExpiration"/>. Must be positive.</value>
    public TimeSpan? AbsoluteExpirationRelativeToNow { get; set; }

    /// <summary>Gets or sets how long the entry may go unread before it expires.</summary>
    /// <value>Defaults to <see langword="null"/>: the cache's <see cref="FileCacheOptions.DefaultSlidingExpiration"/>. Must be positive.</value>
    public TimeSpan? SlidingExpiration { get; set; }
}
