using FileCache.Storage;

namespace FileCache.Invalidation;

/// <summary>
/// A partition's trie of path segments: every cached entry hangs on the node of its path (a file's variants share
/// it), and so does every key that a cached entry depends on. Invalidating a directory walks only its subtree, so
/// it costs in proportion to the entries under it, never the size of the cache. Guarded by the store lock.
/// </summary>
internal sealed class PathIndex
{
    public PathIndex(bool ignoreCase)
    {
        Comparer = ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        Root = new PathNode(string.Empty, null);
    }

    public StringComparer Comparer { get; }

    public PathNode Root { get; }

    /// <summary>Nodes currently in the trie, the root excluded (for leak tests).</summary>
    public int NodeCount { get; private set; }

    public void Add(CacheEntry entry)
    {
        var node = GetOrAdd(entry.Key.Path);
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
        var node = GetOrAdd(key.Path);
        (node.Targets ??= []).Add(key);
    }

    public void RemoveTarget(in FileKey key)
    {
        var node = Find(key.Path);
        if (node?.Targets is { } targets && targets.Remove(key))
        {
            Prune(node);
        }
    }

    /// <summary>Finds the node of a normalized path; the empty path is the root.</summary>
    public PathNode? Find(string path)
    {
        var node = Root;
        foreach (var range in path.AsSpan().Split('/'))
        {
            var segment = path.AsSpan(range);
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

    /// <summary>Adds the keys of the entries (and dependency targets) at <paramref name="node"/> and, when <paramref name="subtree"/>, under it.</summary>
    public static void Collect(PathNode node, List<FileKey> keys, bool subtree)
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

            if (subtree && current.Children is { } children)
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

    private PathNode GetOrAdd(string path)
    {
        var node = Root;
        foreach (var range in path.AsSpan().Split('/'))
        {
            var segment = path.AsSpan(range);
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

        return node;
    }

    /// <summary>Removes empty nodes from <paramref name="node"/> up, so the trie never outgrows what it indexes.</summary>
    private void Prune(PathNode node)
    {
        while (node.Parent is { } parent && node.IsEmpty)
        {
            parent.Children!.Remove(node.Segment);
            NodeCount--;
            node = parent;
        }
    }
}

/// <summary>One path segment of a <see cref="PathIndex"/>.</summary>
internal sealed class PathNode(string segment, PathNode? parent)
{
    public string Segment { get; } = segment;

    public PathNode? Parent { get; } = parent;

    public Dictionary<string, PathNode>? Children { get; set; }

    /// <summary>Head of the intrusive list (<see cref="CacheEntry.IndexNext"/>) of entries with exactly this path.</summary>
    public CacheEntry? First { get; set; }

    /// <summary>Keys at this path that cached entries depend on (they may not be cached themselves).</summary>
    public List<FileKey>? Targets { get; set; }

    public bool IsEmpty => First is null && (Children is null || Children.Count == 0) && (Targets is null || Targets.Count == 0);
}
