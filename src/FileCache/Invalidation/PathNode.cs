using FileCache.Storage;

namespace FileCache.Invalidation;

/// <summary>One directory of a <see cref="PathIndex"/>: its path, held once for the files in it.</summary>
internal sealed class PathNode(string directoryPath, PathNode? parent, ProjectIdentity? project)
{
    /// <summary>The directory's normalized path relative to the project's root (empty for the root): its ASCII bytes, as a file name keeps them.</summary>
    private readonly FileName _path = directoryPath.Length == 0 ? FileName.Of(string.Empty) : FileName.Copy(directoryPath);

    /// <summary>Children kept in an array (scanned) up to this many; a <see cref="ChildTable"/> beyond.</summary>
    private const int MaxArrayChildren = 8;

    /// <summary>The directory's normalized path relative to the project's root; empty for the root (a new string for most: for rare uses).</summary>
    public string DirectoryPath => _path.ToString();

    /// <summary>The length of <see cref="DirectoryPath"/>.</summary>
    public int DirectoryLength => _path.Length;

    /// <summary>The directory's path as kept.</summary>
    public FileName Path => _path;

    /// <summary>The project (its root joins full paths).</summary>
    public readonly ProjectIdentity? Project = project;

    /// <summary>Where the directory's own segment starts in <see cref="DirectoryPath"/>.</summary>
    private readonly int _segmentStart = directoryPath.LastIndexOf('/') + 1;

    /// <summary>The parent directory; store lock.</summary>
    public PathNode? Parent = parent;

    /// <summary>
    /// Subdirectories: null, an exact-size array (a few: most directories have none or a few, and a dictionary costs
    /// about 200 bytes), replaced whole under the store lock; or, past <see cref="MaxArrayChildren"/>, a
    /// <see cref="ChildTable"/> by segment, changed in place under the store lock (copying a large array on every change
    /// cost an insert hundreds of bytes where directories come and go). Read without the lock.
    /// </summary>
    private object? _children;

    /// <summary>Head of the intrusive list (<see cref="CacheEntry.IndexNext"/>) of the entries of files in this directory.</summary>
    public CacheEntry? First;

    /// <summary>True while the node is in the trie (false for a node made for a load, and once pruned); store lock.</summary>
    public bool InTrie;

    /// <summary>The directory's own (last) segment, as a new string (for tests).</summary>
    public string Segment => _path.ToString(_segmentStart);

    /// <summary>Whether the directory's path is <paramref name="directory"/> under <paramref name="comparison"/>.</summary>
    public bool DirectoryIs(ReadOnlySpan<char> directory, StringComparison comparison) => _path.Is(directory, comparison);

    /// <summary>Whether the directory's own segment is <paramref name="segment"/> under <paramref name="comparison"/>.</summary>
    public bool SegmentIs(ReadOnlySpan<char> segment, StringComparison comparison) => _path.IsFrom(_segmentStart, segment, comparison);

    /// <summary>The hash of the directory's own segment under <paramref name="comparison"/>.</summary>
    public int SegmentHash(StringComparison comparison) => _path.HashFrom(_segmentStart, comparison);

    /// <summary>Whether no entry is in the directory and it has no subdirectory (its index also checks it is no dependency target's).</summary>
    public bool HoldsNothing => First is null && _children is null;

    /// <summary>The normalized relative path of the file <paramref name="name"/> in this directory (a new string, except at the root).</summary>
    public string PathOf(FileName name) => name.After(_path);

    /// <summary>The child of that segment, if any; safe without the lock.</summary>
    public PathNode? FindChild(ReadOnlySpan<char> segment, StringComparison comparison)
    {
        switch (Volatile.Read(ref _children))
        {
            case PathNode[] array:
                foreach (var child in array)
                {
                    if (child.SegmentIs(segment, comparison))
                    {
                        return child;
                    }
                }

                return null;
            case ChildTable table:
                return table.Find(segment);
            default:
                return null;
        }
    }

    /// <summary>Adds a child (store lock): an array is copied and published whole (readers may be walking the old one).</summary>
    public void AddChild(PathNode child, PathIndex.SegmentComparer comparer)
    {
        switch (_children)
        {
            case PathNode[] array when array.Length < MaxArrayChildren:
                var larger = new PathNode[array.Length + 1];
                array.CopyTo(larger, 0);
                larger[^1] = child;
                Volatile.Write(ref _children, larger);
                break;
            case PathNode[] array:
                var made = new ChildTable(array, comparer.Comparison);
                made.Add(child);
                Volatile.Write(ref _children, made);
                break;
            case ChildTable table:
                table.Add(child);
                break;
            default:
                Volatile.Write(ref _children, new[] { child });
                break;
        }
    }

    /// <summary>Removes a child (store lock), copying an array as <see cref="AddChild"/> does.</summary>
    public void RemoveChild(PathNode child)
    {
        switch (_children)
        {
            case PathNode[] array:
                Volatile.Write<object?>(ref _children, array.Length == 1 ? null : Array.FindAll(array, c => !ReferenceEquals(c, child)));
                break;
            case ChildTable table:
                table.Remove(child);
                if (table.Count <= MaxArrayChildren / 2)
                {
                    Volatile.Write<object?>(ref _children, table.Count == 0 ? null : table.Children().ToArray());
                }

                break;
        }
    }

    /// <summary>Pushes the children on <paramref name="stack"/> (a walk of the subtree).</summary>
    public void PushChildren(Stack<PathNode> stack)
    {
        switch (Volatile.Read(ref _children))
        {
            case PathNode[] array:
                foreach (var child in array)
                {
                    stack.Push(child);
                }

                break;
            case ChildTable table:
                foreach (var child in table.Children())
                {
                    stack.Push(child);
                }

                break;
        }
    }

    /// <summary>
    /// Heap bytes of this node and its subtree's nodes (for footprint figures): each node (64), its path string, and its
    /// children's array (24 + 8 per child) or table (56 + 8 per slot, two or more slots a child). Entries and targets are not counted.
    /// </summary>
    public long SubtreeBytes()
    {
        long bytes = 64 + _path.HeapBytes;
        switch (_children)
        {
            case PathNode[] array:
                bytes += 24 + (8L * array.Length);
                foreach (var child in array)
                {
                    bytes += child.SubtreeBytes();
                }

                break;
            case ChildTable table:
                bytes += table.Bytes;
                foreach (var child in table.Children())
                {
                    bytes += child.SubtreeBytes();
                }

                break;
        }

        return bytes;
    }

    /// <summary>Forgets the children of a pruned node about to be adopted again (it had none when pruned).</summary>
    public void ClearChildren() => _children = null;
}
