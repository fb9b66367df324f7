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
        _pathBase = fullPath;
        Content = content;
        _facts = new Storage.FileFacts(version, readAt, Sources.FileStat.IsRacy(version, readAt), joinRoot: false);
    }

    /// <summary>
    /// A file read from under a project's <paramref name="root"/>: the full path is not stored but joined from the
    /// root (shared by every file of the project) and the key's path (the entry's own) when asked for.
    /// </summary>
    internal CachedFile(FileKey key, string root, ReadOnlyMemory<byte> content, FileVersion version, DateTimeOffset readAt, bool writtenJustBeforeRead)
    {
        Key = key;
        _pathBase = root;
        Content = content;
        _facts = new Storage.FileFacts(version, readAt, writtenJustBeforeRead, joinRoot: true);
    }

    /// <summary>A file rebuilt from its LZ4 form: the same key, path source and facts, new bytes.</summary>
    internal CachedFile(FileKey key, string pathBase, ReadOnlyMemory<byte> content, Storage.FileFacts facts)
    {
        Key = key;
        _pathBase = pathBase;
        Content = content;
        _facts = facts;
    }

    // The full path as given, or the project's root that the key's path is joined to.
    private readonly string _pathBase;

    // Version, read time and flags, packed.
    private readonly Storage.FileFacts _facts;

    private bool JoinsRoot => _facts.JoinRoot;

    /// <summary>Gets the key the file is cached under.</summary>
    public FileKey Key { get; }

    /// <summary>Gets the absolute path the bytes were read from.</summary>
    /// <remarks>A file the cache read is not stored with its full path: this joins the project's root and <see cref="FileKey.Path"/> (a new string per call).</remarks>
    public string FullPath => JoinsRoot ? JoinPath(_pathBase, Key.Path) : _pathBase;

    /// <summary>The root a full path is joined from, or the full path itself; true when it is a root.</summary>
    internal (string PathBase, bool JoinRoot) PathSource => (_pathBase, JoinsRoot);

    /// <summary>Heap bytes of the path strings this file holds besides the key's (a full path given to the public constructor).</summary>
    internal long OwnPathBytes => JoinsRoot ? 0 : (22 + (2L * _pathBase.Length) + 7) & ~7L;

    internal static string JoinPath(string root, string path) => Path.Join(root, path);

    /// <summary>Gets the file's bytes.</summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>Gets the file's version (length and last-write time) when its bytes were read.</summary>
    public FileVersion Version => _facts.Version;

    /// <summary>Gets when the bytes were read, from the cache's <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset ReadAt => _facts.ReadAt;

    /// <summary>The packed version, read time and flags (shared with the LZ4 form of the file).</summary>
    internal Storage.FileFacts Facts => _facts;

    /// <summary>
    /// Gets whether the file was last written so close to when it was read that a further write within the file
    /// system's timestamp resolution could leave its length and last-write time unchanged (then a check against the
    /// disk must reread it). Judged by the wall clock the file system stamps with, not <see cref="ReadAt"/>'s provider.
    /// </summary>
    internal bool WrittenJustBeforeRead => _facts.Racy;

    /// <summary>Gets the number of bytes in <see cref="Content"/>.</summary>
    public int Length => Content.Length;
}
