using FileCache.Storage;

namespace FileCache.Invalidation;

/// <summary>
/// A partition's trie of directories: every cached entry hangs on the node of its directory (an intrusive list), and
/// so does every key that a cached entry depends on. Invalidating a directory walks only its subtree, so it costs in
/// proportion to the entries under it, never the size of the cache; a single file is found among the entries of its
/// directory. Files get no node of their own: an entry keeps its file name and its directory's node, which holds the
/// directory's path once for all its files, so no entry holds its full path (it is joined when needed: a disk read, an
/// event, an enumeration).
/// </summary>
/// <remarks>
/// Changes run under the store lock. A load finds its directory's node without the lock (<see cref="Place(in FileKey, out Storage.FileName)"/>): a
/// node's few children are an array copied, changed and published whole, its many a concurrent dictionary, so a reader
/// walking the trie never sees a level half-changed. A directory the trie does not have yet gets a node of its own that the
/// trie adopts when the entry is indexed (<see cref="Add"/>), so the file read and its entry share one node.
/// </remarks>
internal sealed class PathIndex
{
    private readonly SegmentComparer _segments;
    private PathNode? _lastDirectory;
    private PathNode? _lastPlaced;

    /// <summary>
    /// Keys of files that cached entries depend on (they may not be cached themselves), by their directory's node: few
    /// directories have any, so the index keeps them rather than every node a field; store lock.
    /// </summary>
    private Dictionary<PathNode, List<FileKey>>? _targets;

    public PathIndex(bool ignoreCase, ProjectIdentity? project = null)
    {
        Comparer = ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        _segments = new SegmentComparer(ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
        Project = project;
        Root = new PathNode(string.Empty, null, project) { InTrie = true };
    }

    public StringComparer Comparer { get; }

    /// <summary>The project whose paths these are (its root joins full paths); null in tests that need none.</summary>
    public ProjectIdentity? Project { get; }

    public PathNode Root { get; }

    /// <summary>Directory nodes currently in the trie, the root excluded (for leak tests).</summary>
    public int NodeCount { get; private set; }

    /// <summary>
    /// The node of <paramref name="key"/>'s directory and its file name (the key's own name string when it carries one);
    /// no lock. The node is the trie's when the directory is indexed, else a new one the trie adopts when an entry of it
    /// is indexed.
    /// </summary>
    public PathNode Place(in FileKey key, out Storage.FileName name) => Place(key.Path, key.Name, out name);

    /// <summary>
    /// As <see cref="Place(in FileKey, out Storage.FileName)"/>, for a path; <paramref name="knownName"/> is its name string when
    /// known (a prepared key's, which the entry then shares, so the key's hits compare it by reference).
    /// </summary>
    public PathNode Place(string path, Storage.FileName knownName, out Storage.FileName name)
    {
        int slash = path.LastIndexOf('/');
        if (slash < 0)
        {
            name = knownName.IsNull ? Storage.FileName.Of(path) : knownName;
            return Root;
        }

        name = knownName.IsNull ? Storage.FileName.Copy(path.AsSpan(slash + 1)) : knownName;
        var directory = path.AsSpan(0, slash);

        // Files of one directory often come together: the last directory placed is tried first. A hint read and written
        // without the lock: a node it names that was pruned since is still a node of that directory (Add re-attaches it).
        if (_lastPlaced is { InTrie: true } last && last.DirectoryIs(directory, _segments.Comparison))
        {
            return last;
        }

        var node = FindDirectory(directory) ?? new PathNode(path.Substring(0, slash), null, Project);
        if (node.InTrie)
        {
            _lastPlaced = node;
        }

        return node;
    }

    public void Add(CacheEntry entry)
    {
        var node = entry.IndexNode;
        if (!node.InTrie)
        {
            // Its directory was not indexed when the entry's place was found (or was pruned since): the trie adopts
            // the entry's node, or gives it the node of the same directory made meanwhile (same path: a reader
            // comparing the entry meanwhile gets the same answer from either).
            node = Attach(node.DirectoryPath, node.DirectoryLength, node);
            entry.IndexNode = node;
        }

        entry.IndexPrev = null;
        entry.IndexNext = node.First;
        if (node.First is not null)
        {
            node.First.IndexPrev = entry;
        }

        node.First = entry;
    }

    public void Remove(CacheEntry entry)
    {
        var node = entry.IndexNode;
        if (entry.IndexPrev is null)
        {
            if (!ReferenceEquals(node.First, entry))
            {
                return;
            }

            node.First = entry.IndexNext;
        }
        else
        {
            entry.IndexPrev.IndexNext = entry.IndexNext;
        }

        if (entry.IndexNext is not null)
        {
            entry.IndexNext.IndexPrev = entry.IndexPrev;
        }

        // The entry keeps its node: a reader may still compare it against a key.
        entry.IndexPrev = entry.IndexNext = null;
        Prune(node);
    }

    public void AddTarget(in FileKey key)
    {
        var node = Attach(key.Path, Math.Max(0, key.Path.LastIndexOf('/')), null);
        _targets ??= new Dictionary<PathNode, List<FileKey>>(ReferenceEqualityComparer.Instance);
        if (!_targets.TryGetValue(node, out var targets))
        {
            _targets.Add(node, targets = []);
        }

        targets.Add(key);
    }

    public void RemoveTarget(in FileKey key)
    {
        var node = FindDirectory(key.Path.AsSpan(0, Math.Max(0, key.Path.LastIndexOf('/'))));
        if (node is not null && TargetsOf(node) is { } targets && targets.Remove(key))
        {
            if (targets.Count == 0)
            {
                _targets!.Remove(node);
            }

            Prune(node);
        }
    }

    /// <summary>Adds the keys at <paramref name="path"/> (a file and its variants) and under it (a directory's subtree); the empty path is everything.</summary>
    public void CollectUnder(string path, List<FileKey> keys)
    {
        if (path.Length == 0)
        {
            Collect(Root, keys);
            return;
        }

        if (FindDirectory(path) is { } directory)
        {
            Collect(directory, keys);
        }

        int slash = path.LastIndexOf('/');
        if (FindDirectory(path.AsSpan(0, Math.Max(0, slash))) is { } parent)
        {
            var name = path.AsSpan(slash + 1);
            for (var entry = parent.First; entry is not null; entry = entry.IndexNext)
            {
                if (entry.Name.Is(name, _segments.Comparison))
                {
                    keys.Add(entry.Key);
                }
            }

            if (TargetsOf(parent) is { } targets)
            {
                foreach (var target in targets)
                {
                    if (Comparer.Equals(target.Path, path))
                    {
                        keys.Add(target);
                    }
                }
            }
        }
    }

    /// <summary>Adds the keys of the entries (and dependency targets) at and under <paramref name="node"/>.</summary>
    private void Collect(PathNode node, List<FileKey> keys)
    {
        var stack = new Stack<PathNode>();
        stack.Push(node);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            for (var entry = current.First; entry is not null; entry = entry.IndexNext)
            {
                keys.Add(entry.Key);
            }

            if (TargetsOf(current) is { } targets)
            {
                keys.AddRange(targets);
            }

            current.PushChildren(stack);
        }
    }

    /// <summary>Adds the entries at and under <paramref name="node"/>.</summary>
    public static void CollectEntries(PathNode node, List<CacheEntry> entries)
    {
        var stack = new Stack<PathNode>();
        stack.Push(node);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            for (var entry = current.First; entry is not null; entry = entry.IndexNext)
            {
                entries.Add(entry);
            }

            current.PushChildren(stack);
        }
    }

    /// <summary>Finds the node of a directory (a normalized relative path); the empty path is the root. Safe without the lock.</summary>
    private PathNode? FindDirectory(ReadOnlySpan<char> directory)
    {
        var node = Root;
        foreach (var range in directory.Split('/'))
        {
            var segment = directory[range];
            if (segment.IsEmpty)
            {
                continue;
            }

            if (node.FindChild(segment, _segments.Comparison) is not { } child)
            {
                return null;
            }

            node = child;
        }

        return node;
    }

    /// <summary>
    /// The trie's node of the directory <c>path[..length]</c>, created as needed; the last level adopts
    /// <paramref name="candidate"/> (a node of that directory outside the trie) when the trie has none. Store lock.
    /// </summary>
    private PathNode Attach(string path, int length, PathNode? candidate)
    {
        if (length == 0)
        {
            return Root;
        }

        var directory = path.AsSpan(0, length);
        if (_lastDirectory is { InTrie: true } last && last.DirectoryIs(directory, _segments.Comparison))
        {
            return last;
        }

        var node = Root;
        int start = 0;
        while (start < length)
        {
            int slash = directory[start..].IndexOf('/');
            int end = slash < 0 ? length : start + slash;
            if (node.FindChild(directory[start..end], _segments.Comparison) is not { } child)
            {
                if (end == length && candidate is not null)
                {
                    child = candidate;
                    child.Parent = node;
                    child.ClearChildren();
                }
                else
                {
                    child = new PathNode(end == path.Length ? path : path.Substring(0, end), node, Project);
                }

                node.AddChild(child, _segments);
                child.InTrie = true;
                NodeCount++;
            }

            node = child;
            start = end + 1;
        }

        _lastDirectory = node;
        return node;
    }

    /// <summary>Removes empty nodes from <paramref name="node"/> up, so the trie never outgrows what it indexes.</summary>
    private void Prune(PathNode node)
    {
        while (node.Parent is { } parent && node.InTrie && node.HoldsNothing && TargetsOf(node) is null)
        {
            parent.RemoveChild(node);
            node.InTrie = false;
            NodeCount--;
            node = parent;
        }
    }

    /// <summary>The dependency targets in <paramref name="node"/>'s directory, or null; store lock.</summary>
    private List<FileKey>? TargetsOf(PathNode node) => _targets is { } targets && targets.TryGetValue(node, out var list) ? list : null;

    /// <summary>Compares children by their last segment, so a node's key is its directory path (no segment string per node).</summary>
    internal sealed class SegmentComparer(StringComparison comparison) : IEqualityComparer<string>, IAlternateEqualityComparer<ReadOnlySpan<char>, string>
    {
        public StringComparison Comparison { get; } = comparison;

        public bool Equals(string? x, string? y) => Last(x!).Equals(Last(y!), Comparison);

        public int GetHashCode(string obj) => string.GetHashCode(Last(obj), Comparison);

        public bool Equals(ReadOnlySpan<char> alternate, string other) => alternate.Equals(Last(other), Comparison);

        public int GetHashCode(ReadOnlySpan<char> alternate) => string.GetHashCode(alternate, Comparison);

        public string Create(ReadOnlySpan<char> alternate) => throw new NotSupportedException("Children are added with their node's directory path.");

        private static ReadOnlySpan<char> Last(string path) => path.AsSpan(path.LastIndexOf('/') + 1);
    }
}
