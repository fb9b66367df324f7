namespace FileCache.Storage;

/// <summary>What the files of one project share: its name, the name's hash, its case rule and its root (one object per project).</summary>
internal sealed class ProjectIdentity(string name, int nameHash, bool ignoreCase, string? root)
{
    public string Name { get; } = name;

    public int NameHash { get; } = nameHash;

    public bool IgnoreCase { get; } = ignoreCase;

    /// <summary>The canonical root, or null for a project without one.</summary>
    public string? Root { get; } = root;

    /// <summary>The project's partition (set once, by the partition that makes this identity): an entry reaches its partition through its directory's node.</summary>
    public Partition Partition { get; init; } = null!;
}

/// <summary>A full path given as it is (not joined from a project's root), with the key it belongs to.</summary>
internal sealed class GivenPath(FileKey key, string fullPath)
{
    public FileKey Key { get; } = key;

    public string FullPath { get; } = fullPath;
}

/// <summary>
/// A cached file's key and where its bytes came from, in 16 bytes instead of a <see cref="FileKey"/> (40) and a full
/// path: the file's name, and its directory's node of its project's path index (which holds the directory's path once
/// for all its files, and the project: name, hash, case rule, root), both shared with the file's entry, so neither holds
/// the key's path or the full path: both are joined (and the key's hash computed again) when asked for. A file whose
/// full path is not its root joined to its path (a public constructor's, another source's location), or whose key has a
/// variant, keeps a <see cref="GivenPath"/> instead.
/// </summary>
internal readonly struct FileOrigin
{
    private readonly object _owner;
    private readonly FileName _name;

    /// <summary>A file read or written under its project's root (a key without a variant): its paths are joined from its directory and name.</summary>
    public FileOrigin(Invalidation.PathNode directory, FileName name)
    {
        _owner = directory;
        _name = name;
    }

    /// <summary>A file of <paramref name="index"/>'s project read from its root (its directory found or made without a lock).</summary>
    public FileOrigin(Invalidation.PathIndex index, in FileKey key)
    {
        System.Diagnostics.Debug.Assert(key.Variant is null, "A file's origin names the file's own bytes.");
        _owner = index.Place(key, out var name);
        _name = name;
    }

    /// <summary>A file with a full path of its own.</summary>
    public FileOrigin(in FileKey key, string fullPath)
    {
        _owner = new GivenPath(key, fullPath);
        _name = default;
    }

    public FileKey Key => _owner is Invalidation.PathNode { Project: { } project } directory
        ? new FileKey(project.Name, project.NameHash, directory.PathOf(_name), null, project.IgnoreCase, _name)
        : ((GivenPath)_owner).Key;

    /// <summary>The absolute path the bytes came from (a new string per call for a joined path).</summary>
    public string FullPath => _owner is Invalidation.PathNode directory
        ? System.IO.Path.Join(directory.Project!.Root, directory.PathOf(_name))
        : ((GivenPath)_owner).FullPath;

    /// <summary>
    /// The directory node and name an entry of <paramref name="key"/> in <paramref name="index"/>'s project can share
    /// with this file: when the file is of that project and path. Allocates nothing.
    /// </summary>
    public bool TryShare(Invalidation.PathIndex index, in FileKey key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Invalidation.PathNode? directory, out FileName name)
    {
        if (_owner is Invalidation.PathNode node && ReferenceEquals(node.Project, index.Project) && !_name.IsNull)
        {
            string path = key.Path;
            int length = node.DirectoryPath.Length;
            if (length == 0
                ? _name.Is(path, StringComparison.Ordinal)
                : path.Length == length + 1 + _name.Length && path[length] == '/' && _name.Is(path.AsSpan(length + 1), StringComparison.Ordinal) && path.AsSpan(0, length).SequenceEqual(node.DirectoryPath))
            {
                (directory, name) = (node, _name);
                return true;
            }
        }

        (directory, name) = (null, default);
        return false;
    }

    /// <summary>Heap bytes this origin holds besides the entry's name and the directory's node: a given full path and its holder.</summary>
    public long OwnBytes => _owner is GivenPath given ? DefaultFileCache.StringBytes(given.FullPath) + GivenPathBytes : 0;

    /// <summary>A <see cref="GivenPath"/> object: header, method table, its key (40) and the path reference.</summary>
    private const long GivenPathBytes = 64;

    public static string Join(string root, string path) => System.IO.Path.Join(root, path);
}
