namespace FileCache;

/// <summary>A file's bytes as read from disk, with the version and metadata captured when they were read.</summary>
/// <remarks>
/// Instances are immutable and shared: every hit for the same key returns the same instance, so a hit
/// allocates nothing. Do not write into the memory behind <see cref="Content"/>.
/// </remarks>
public sealed class CachedFile
{
    /// <summary>Initializes a new instance of the <see cref="CachedFile"/> class.</summary>
    /// <param name="key">The key the file is cached under.</param>
    /// <param name="fullPath">The absolute path the bytes were read from.</param>
    /// <param name="content">The file's bytes.</param>
    /// <param name="version">The file's version when it was read.</param>
    /// <param name="readAt">When the bytes were read.</param>
    public CachedFile(FileKey key, string fullPath, ReadOnlyMemory<byte> content, FileVersion version, DateTimeOffset readAt)
    {
        ArgumentNullException.ThrowIfNull(fullPath);
        Key = key;
        FullPath = fullPath;
        Content = content;
        Version = version;
        ReadAt = readAt;
        WrittenJustBeforeRead = Sources.FileStat.IsRacy(version, readAt);
    }

    /// <summary>Gets the key the file is cached under.</summary>
    public FileKey Key { get; }

    /// <summary>Gets the absolute path the bytes were read from.</summary>
    public string FullPath { get; }

    /// <summary>Gets the file's bytes.</summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>Gets the file's version (length and last-write time) when its bytes were read.</summary>
    public FileVersion Version { get; }

    /// <summary>Gets when the bytes were read, from the cache's <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset ReadAt { get; }

    /// <summary>
    /// Gets whether the file was last written so close to when it was read that a further write within the file
    /// system's timestamp resolution could leave its length and last-write time unchanged (then a check against the
    /// disk must reread it). Judged by the wall clock the file system stamps with, not <see cref="ReadAt"/>'s provider.
    /// </summary>
    internal bool WrittenJustBeforeRead { get; init; }

    /// <summary>Set when the load pipeline's compression stage already judged these bytes (then <see cref="CompressedBlock"/> is its answer).</summary>
    internal bool CompressionTried { get; init; }

    /// <summary>The LZ4 block the load pipeline made of these bytes, when worth keeping; the insert stores it instead of compressing again.</summary>
    internal byte[]? CompressedBlock { get; init; }

    /// <summary>Gets whether the bytes came from <see cref="IFileCache.WriteAsync"/> (the cache's own write) rather than a read of the disk.</summary>
    internal bool WrittenByCache { get; init; }

    /// <summary>Gets the number of bytes in <see cref="Content"/>.</summary>
    public int Length => Content.Length;
}
