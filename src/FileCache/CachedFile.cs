using FileCache.Storage;

namespace FileCache;

/// <summary>A file's bytes as read from disk, with the version and metadata captured when they were read.</summary>
/// <remarks>
/// Instances are immutable and shared: every hit for the same key returns the same instance, so a hit
/// allocates nothing. Do not write into the memory behind <see cref="Content"/>.
/// </remarks>
public sealed class CachedFile
{
    // The key and where the bytes came from (the full path is joined from the project's root when it can be).
    private readonly FileOrigin _origin;

    // Version, read time and flags, packed (what few files need besides rides with the content, in a ContentSlice).
    private readonly PackedFacts _facts;

    // The content: the byte[] itself when the memory is a whole array (what the cache reads) and the file needs no
    // extra facts, else a ContentSlice.
    private readonly object _content;

    /// <summary>Initializes a new instance of the <see cref="CachedFile"/> class.</summary>
    /// <param name="key">The key the file is cached under.</param>
    /// <param name="fullPath">The absolute path the bytes were read from.</param>
    /// <param name="content">The file's bytes.</param>
    /// <param name="version">The file's version when it was read.</param>
    /// <param name="readAt">When the bytes were read.</param>
    public CachedFile(FileKey key, string fullPath, ReadOnlyMemory<byte> content, FileVersion version, DateTimeOffset readAt)
    {
        ArgumentNullException.ThrowIfNull(fullPath);
        _origin = new FileOrigin(key, fullPath);
        (_facts, _content) = Pack(new FileFacts(version, readAt, content.Length, Sources.FileStat.IsRacy(version, readAt)), content);
    }

    /// <summary>A file the cache read or wrote, from its origin (its project's root joined to its path, or a full path of its own).</summary>
    internal CachedFile(in FileOrigin origin, ReadOnlyMemory<byte> content, FileVersion version, DateTimeOffset readAt, bool writtenJustBeforeRead, bool writtenByCache = false)
    {
        _origin = origin;
        (_facts, _content) = Pack(new FileFacts(version, readAt, content.Length, writtenJustBeforeRead, writtenByCache), content);
    }

    /// <summary>A file rebuilt from its LZ4 form: the same origin and facts, new bytes.</summary>
    internal CachedFile(in FileOrigin origin, ReadOnlyMemory<byte> content, in FileFacts facts)
    {
        _origin = origin;
        (_facts, _content) = Pack(facts, content);
    }

    /// <summary>Gets the key the file is cached under.</summary>
    public FileKey Key => _origin.Key;

    /// <summary>Gets the absolute path the bytes were read from.</summary>
    /// <remarks>A file the cache read from its project's root is not stored with its full path: this joins the root and <see cref="FileKey.Path"/> (a new string per call).</remarks>
    public string FullPath => _origin.FullPath;

    /// <summary>The key and where the bytes came from (shared with the LZ4 form of the file).</summary>
    internal FileOrigin Origin => _origin;

    /// <summary>Heap bytes this file holds besides the object, its content and its entry's name: a full path of its own, a content hash, a slice's holder.</summary>
    internal long OwnBytes => _origin.OwnBytes + Facts.OwnBytes + (_content is ContentSlice ? ContentSlice.Bytes : 0);

    /// <summary>Gets the file's bytes.</summary>
    public ReadOnlyMemory<byte> Content => _content is byte[] array ? array : ((ContentSlice)_content).Memory;

    /// <summary>Gets the file's version (length and last-write time) when its bytes were read.</summary>
    public FileVersion Version => Facts.Version(Length);

    /// <summary>Gets when the bytes were read, from the cache's <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset ReadAt => Facts.ReadAt;

    /// <summary>The packed version, read time and flags (shared with the LZ4 form of the file).</summary>
    internal FileFacts Facts => new(_facts, (_content as ContentSlice)?.Extra);

    /// <summary>
    /// Gets whether the file was last written so close to when it was read that a further write within the file
    /// system's timestamp resolution could leave its length and last-write time unchanged (then a check against the
    /// disk must reread it). Judged by the wall clock the file system stamps with, not <see cref="ReadAt"/>'s provider.
    /// </summary>
    internal bool WrittenJustBeforeRead => Facts.Racy;

    /// <summary>Gets whether the bytes came from <see cref="IFileCache.WriteAsync"/> (the cache's own write) rather than a read of the disk.</summary>
    internal bool WrittenByCache => Facts.Written;

    /// <summary>Gets the number of bytes in <see cref="Content"/>.</summary>
    public int Length => _content is byte[] array ? array.Length : ((ContentSlice)_content).Memory.Length;

    private static (PackedFacts Facts, object Content) Pack(in FileFacts facts, ReadOnlyMemory<byte> content) =>
        (facts.Packed, ContentSlice.Hold(content, facts.Extra));
}

/// <summary>
/// Content that is not a whole array (a slice, native memory), or the content of a file with facts few files have: kept
/// in an object of its own, with those facts.
/// </summary>
internal sealed class ContentSlice(ReadOnlyMemory<byte> memory, FactsExtra? extra)
{
    /// <summary>Heap bytes of this object: header, method table, the 16-byte memory and the facts' reference.</summary>
    public const long Bytes = 40;

    public ReadOnlyMemory<byte> Memory { get; } = memory;

    /// <summary>The facts few files have (another version length, time offsets, a content hash), or null.</summary>
    public FactsExtra? Extra { get; } = extra;

    /// <summary>The whole array the memory is when there are no extra facts, else a holder of both.</summary>
    public static object Hold(ReadOnlyMemory<byte> memory, FactsExtra? extra = null) =>
        extra is null && System.Runtime.InteropServices.MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Array is { } array && segment.Count == array.Length
            ? array
            : new ContentSlice(memory, extra);
}
