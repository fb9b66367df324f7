using System.Runtime.CompilerServices;

namespace FileCache;

/// <summary>
/// Identifies one cached value: a project, a normalized path relative to the project's root, and an
/// optional variant for data derived from that file (for example <c>"ast"</c> for a parsed model).
/// </summary>
/// <remarks>
/// Create keys with <see cref="IFileCache.CreateKey(string, string, string?)"/>, which validates and
/// normalizes the path once and computes the hash once. Reusing a prepared key is the fastest way to
/// read the cache: a lookup with it hashes nothing.
/// </remarks>
public readonly struct FileKey : IEquatable<FileKey>
{
    private readonly int _hash;

    internal FileKey(string project, int projectHash, string path, string? variant, bool ignoreCase)
    {
        Project = project;
        ProjectHash = projectHash;
        Path = path;
        Variant = variant;
        IgnoreCase = ignoreCase;
        _hash = ComputeHash(projectHash, path, variant, ignoreCase);
    }

    /// <summary>A key whose hash is already known (an entry's, rebuilt from its partition and path).</summary>
    internal FileKey(string project, int projectHash, string path, string? variant, bool ignoreCase, int hash, Storage.FileName name = default)
    {
        Project = project;
        ProjectHash = projectHash;
        Path = path;
        Variant = variant;
        IgnoreCase = ignoreCase;
        _hash = hash;
        Name = name;
    }

    /// <summary>A key with its file-name string (see <see cref="Name"/>).</summary>
    internal FileKey(string project, int projectHash, string path, string? variant, bool ignoreCase, Storage.FileName name)
        : this(project, projectHash, path, variant, ignoreCase)
    {
        Name = name;
    }

    /// <summary>Gets the project (partition) the key belongs to.</summary>
    public string Project { get; }

    /// <summary>Gets the normalized path relative to the project's root, with <c>/</c> separators.</summary>
    public string Path { get; }

    /// <summary>Gets the variant of file-derived data, or <see langword="null"/> for the file's own bytes.</summary>
    public string? Variant { get; }

    /// <summary>Gets a value indicating whether the path compares case-insensitively (a per-project setting).</summary>
    public bool IgnoreCase { get; }

    /// <summary>Gets a value indicating whether this key was created by a cache (the default value is not).</summary>
    public bool IsDefault => Path is null;

    internal int ProjectHash { get; }

    /// <summary>
    /// The file-name string the cache's entries of this path share (the last segment of <see cref="Path"/>, the same
    /// characters), or null. A prepared key carries it so that a hit compares it by reference, as the entry keeps
    /// its name and its directory's node, not the key's path. Not part of equality. One such string is only ever held
    /// by keys, entries and files of one path of one project (under its case rule), so the same reference means the same path.
    /// </summary>
    internal Storage.FileName Name { get; }

    /// <summary>Returns a key for the same file with another variant.</summary>
    /// <param name="variant">The variant name, or <see langword="null"/> for the file's own bytes.</param>
    /// <returns>The new key.</returns>
    /// <exception cref="ArgumentException">This key is default (not created by a cache), or <paramref name="variant"/> is empty or contains a NUL character.</exception>
    public FileKey WithVariant(string? variant)
    {
        if (IsDefault)
        {
            Internal.Throw.Argument("The key is default; create keys with IFileCache.CreateKey before deriving variants.", "this");
        }

        Internal.Throw.IfInvalidVariant(variant);
        return new FileKey(Project, ProjectHash, Path, variant, IgnoreCase, Name);
    }

    /// <inheritdoc/>
    public bool Equals(FileKey other)
    {
        if (_hash != other._hash)
        {
            return false;
        }

        if (!ReferenceEquals(Path, other.Path)
            && !string.Equals(Path, other.Path, IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
        {
            return false;
        }

        return IgnoreCase == other.IgnoreCase
            && (ReferenceEquals(Project, other.Project) || string.Equals(Project, other.Project, StringComparison.Ordinal))
            && string.Equals(Variant, other.Variant, StringComparison.Ordinal);
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is FileKey other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _hash;

    /// <summary>Returns <c>project:path</c>, followed by <c>#variant</c> when there is one.</summary>
    /// <returns>A readable form of the key.</returns>
    public override string ToString() => Variant is null ? $"{Project}:{Path}" : $"{Project}:{Path}#{Variant}";

    /// <summary>Compares two keys for equality.</summary>
    /// <param name="left">The first key.</param>
    /// <param name="right">The second key.</param>
    /// <returns><see langword="true"/> when both name the same value.</returns>
    public static bool operator ==(FileKey left, FileKey right) => left.Equals(right);

    /// <summary>Compares two keys for inequality.</summary>
    /// <param name="left">The first key.</param>
    /// <param name="right">The second key.</param>
    /// <returns><see langword="true"/> when the keys name different values.</returns>
    public static bool operator !=(FileKey left, FileKey right) => !left.Equals(right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int ComputeHash(int projectHash, string path, string? variant, bool ignoreCase)
    {
        int pathHash = ignoreCase ? string.GetHashCode(path, StringComparison.OrdinalIgnoreCase) : Keys.KeyHash.Of(path);
        int hash = (projectHash * 31) ^ pathHash;
        return variant is null ? hash : (hash * 31) ^ Keys.KeyHash.Of(variant);
    }
}
