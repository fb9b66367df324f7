namespace FileCache.Storage;

/// <summary>What the files of one project share: its name, the name's hash, its case rule and its root (one object per project).</summary>
internal sealed class ProjectIdentity(string name, int nameHash, bool ignoreCase, string? root)
{
    public string Name { get; } = name;

    public int NameHash { get; } = nameHash;

    public bool IgnoreCase { get; } = ignoreCase;

    /// <summary>The canonical root, or null for a project without one.</summary>
    public string? Root { get; } = root;
}

/// <summary>A full path given as it is (not joined from a project's root), with the key it belongs to.</summary>
internal sealed class GivenPath(FileKey key, string fullPath)
{
    public FileKey Key { get; } = key;

    public string FullPath { get; } = fullPath;
}

/// <summary>
/// A cached file's key and where its bytes came from, in 28 bytes instead of a <see cref="FileKey"/> (40) and a full
/// path: the key's path, variant and hash are the file's own; its project (name, hash, case rule) and root are one
/// <see cref="ProjectIdentity"/> shared by the project's files, and the full path is joined from the root when asked
/// for. A file whose full path is not its root joined to its path (a public constructor's, another source's location)
/// keeps a <see cref="GivenPath"/> instead.
/// </summary>
internal readonly struct FileOrigin
{
    private readonly object _owner;
    private readonly string _path;
    private readonly string? _variant;
    private readonly int _hash;

    /// <summary>A file read or written under its project's root: the full path is joined from it.</summary>
    public FileOrigin(ProjectIdentity project, in FileKey key)
    {
        _owner = project;
        _path = key.Path;
        _variant = key.Variant;
        _hash = key.GetHashCode();
    }

    /// <summary>A file with a full path of its own.</summary>
    public FileOrigin(in FileKey key, string fullPath)
    {
        _owner = new GivenPath(key, fullPath);
        _path = key.Path;
        _variant = key.Variant;
        _hash = key.GetHashCode();
    }

    public FileKey Key => _owner is ProjectIdentity project
        ? new FileKey(project.Name, project.NameHash, _path, _variant, project.IgnoreCase, _hash)
        : ((GivenPath)_owner).Key;

    /// <summary>The absolute path the bytes came from (a new string per call for a joined path).</summary>
    public string FullPath => _owner is ProjectIdentity project ? Join(project.Root!, _path) : ((GivenPath)_owner).FullPath;

    /// <summary>The key's path (no new string).</summary>
    public string Path => _path;

    /// <summary>Heap bytes this origin holds besides the key's path string and the project's shared identity: a given full path and its holder.</summary>
    public long OwnBytes => _owner is GivenPath given ? DefaultFileCache.StringBytes(given.FullPath) + GivenPathBytes : 0;

    /// <summary>A <see cref="GivenPath"/> object: header, method table, its key (40) and the path reference.</summary>
    private const long GivenPathBytes = 64;

    public static string Join(string root, string path) => System.IO.Path.Join(root, path);
}
