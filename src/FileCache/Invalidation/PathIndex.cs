using FileCache.Storage;

namespace FileCache.Invalidation;

/// <summary>
/// A partition's trie of directories: every cached entry hangs on the node of its directory (an intrusive list), and
/// so does every key that a cached entry depends on. Invalidating a directory walks only its subtree, so it costs in
/// proportion to the entries under it, never the size of the cache; a single file is found among the entries of its
/// directory. Files get no node of their own, so an insert into a known directory allocates nothing (the last
/// directory used is remembered, so consecutive inserts in one directory do not even walk the trie). Guarded by the
/// store lock.
/// </summary>
internal sealed class PathIndex
{
    private PathNode? _lastDirectory;
    private string? _lastPath;
    private int _lastDirectoryLength;

    public PathIndex(bool ignoreCase)
    {
        Comparer = ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        Root = new PathNode(string.Empty, null);
    }

    public StringComparer Comparer { get; }

    public PathNode Root { get; }

    /// <summary>Directory nodes currently in the trie, the root excluded (for leak tests).</summary>
    public int NodeCount { get; private set; }

    public void Add(CacheEntry entry)
    {
        var node = GetOrAddDirectory(entry.Key.Path);
        entry.IndexNode = node;
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
        if (node is null)
        {
            return;
        }

        if (entry.IndexPrev is null)
        {
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

        entry.IndexNode = null;
        entry.IndexPrev = entry.IndexNext = null;
        Prune(node);
    }

    public void AddTarget(in FileKey key)
    {
        var node = GetOrAddDirectory(key.Path);
        (node.Targets ??= []).Add(key);
    }

    public void RemoveTarget(in FileKey key)
    {
        var node = FindDirectory(key.Path.AsSpan(0, Math.Max(0, key.Path.LastIndexOf('/'))));
        if (node?.Targets is { } targets && targets.Remove(key))
        {
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
            for (var entry = parent.First; entry is not null; entry = entry.IndexNext)
            {
                if (Comparer.Equals(entry.Key.Path, path))
                {
                    keys.Add(entry.Key);
                }
            }

            if (parent.Targets is { } targets)
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
    public static void Collect(PathNode node, List<FileKey> keys)
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

            if (current.Targets is { } targets)
            {
                keys.AddRange(targets);
            }

            if (current.Children is { } children)
            {
                foreach (var child in children.Values)
                {
                    stack.Push(child);
                }
            }
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

            if (current.Children is { } children)
            {
                foreach (var child in children.Values)
                {
                    stack.Push(child);
                }
            }
        }
    }

    /// <summary>Finds the node of a directory (a normalized relative path); the empty path is the root.</summary>
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

            if (node.Children is null || !node.Children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(segment, out var child))
            {
                return null;
            }

            node = child;
        }

        return node;
    }

    /// <summary>The node of the directory holding <paramref name="path"/>, created as needed.</summary>
    private PathNode GetOrAddDirectory(string path)
    {
        int slash = path.LastIndexOf('/');
        if (slash < 0)
        {
            return Root;
        }

        var directory = path.AsSpan(0, slash);
        if (_lastDirectory is { IsDetached: false } last && directory.SequenceEqual(_lastPath.AsSpan(0, _lastDirectoryLength)))
        {
            return last;
        }

        var node = Root;
        foreach (var range in directory.Split('/'))
        {
            var segment = directory[range];
            if (segment.IsEmpty)
            {
                continue;
            }

            node.Children ??= new Dictionary<string, PathNode>(Comparer);
            if (!node.Children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(segment, out var child))
            {
                child = new PathNode(segment.ToString(), node);
                node.Children.Add(child.Segment, child);
                NodeCount++;
            }

            node = child;
        }

        _lastDirectory = node;
        _lastPath = path;
        _lastDirectoryLength = slash;
        return node;
    }

    /// <summary>Removes empty nodes from <paramref name="node"/> up, so the trie never outgrows what it indexes.</summary>
    private void Prune(PathNode node)
    {
        while (node.Parent is { } parent && node.IsEmpty)
        {
            parent.Children!.Remove(node.Segment);
            node.IsDetached = true;
            NodeCount--;
            node = parent;
        }
    }
}

/// <summary>One directory of a <see cref="PathIndex"/>.</summary>
internal sealed class PathNode(string segment, PathNode? parent)
{
    public string Segment { get; } = segment;

    public PathNode? Parent { get; } = parent;

    public Dictionary<string, PathNode>? Children { get; set; }

    /// <summary>Head of the intrusive list (<see cref="CacheEntry.IndexNext"/>) of the entries of files in this directory.</summary>
    public CacheEntry? First { get; set; }

    /// <summary>Keys of files in this directory that cached entries depend on (they may not be cached themselves).</summary>
    public List<FileKey>? Targets { get; set; }

    /// <summary>Set when the node was pruned from the trie (a remembered node must not be reused then).</summary>
    public bool IsDetached { get; set; }

    public bool IsEmpty => First is null && (Children is null || Children.Count == 0) && (Targets is null || Targets.Count == 0);
}
