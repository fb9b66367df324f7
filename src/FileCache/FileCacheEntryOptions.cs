namespace FileCache;

/// <summary>Per-entry options for <see cref="IFileCache.Set{T}(in FileKey, T, FileCacheEntryOptions?)"/> and <see cref="IFileCache.GetOrAddAsync{T}"/>.</summary>
public sealed class FileCacheEntryOptions
{
    /// <summary>Gets or sets the size of the value, in bytes, that the entry counts for against the budget.</summary>
    /// <value>
    /// Defaults to <see langword="null"/>: the payload size (for <see cref="CachedFile"/>, <c>byte[]</c>,
    /// <see cref="ReadOnlyMemory{T}"/> of bytes and <see cref="string"/>). Values of any other type must set it. Either
    /// way the entry also counts the cache's measured per-entry overhead (a few hundred bytes), so even a size of 0
    /// cannot let entries hold more memory than the budget. Must not be negative.
    /// </value>
    public long? Size { get; set; }

    /// <summary>Gets or sets how long after insertion the entry expires.</summary>
    /// <value>Defaults to <see langword="null"/>: the cache's <see cref="FileCacheOptions.DefaultAbsoluteExpiration"/>. Must be positive.</value>
    public TimeSpan? AbsoluteExpirationRelativeToNow { get; set; }

    /// <summary>Gets or sets how long the entry may go unread before it expires.</summary>
    /// <value>Defaults to <see langword="null"/>: the cache's <see cref="FileCacheOptions.DefaultSlidingExpiration"/>. Must be positive.</value>
    public TimeSpan? SlidingExpiration { get; set; }

    /// <summary>Gets or sets tags that <see cref="Invalidation.InvalidationRequest.ForTag(string)"/> invalidates the entry by.</summary>
    /// <value>Defaults to <see langword="null"/>: no tags. Tags must not be empty.</value>
#pragma warning disable CA2227 // A settable list keeps the options a plain bag, like the rest of this class.
    public IList<string>? Tags { get; set; }

    /// <summary>
    /// Gets or sets the keys this entry is derived from (a parsed model depends on its source file and its imports):
    /// invalidating any of them invalidates this entry, transitively. The keys need not be cached themselves.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>: no dependencies. Keys must be created by the cache.</value>
    public IList<FileKey>? Dependencies { get; set; }
#pragma warning restore CA2227
}
