using FileCache.Storage;

namespace FileCache.Invalidation;

/// <summary>One directory of a <see cref="PathIndex"/>: its path, held once for the files in it.</summary>
internal sealed class PathNode(string directoryPath, PathNode? parent, ProjectIdentity? project)
{
    /// <summary>Children kept in an array (scanned) up to this many; a dictionary beyond.</summary>
    private const int MaxArrayChildren = 8;

    /// <summary>The directory's normalized path relative to the project's root; empty for the root.</summary>
    public readonly string DirectoryPath = directoryPath;

    /// <summary>The project (its root joins full paths).</summary>
    public readonly ProjectIdentity? Project = project;

    /// <summary>Where the directory's own segment starts in <see cref="DirectoryPath"/>.</summary>
    private readonly int _segmentStart = directoryPath.LastIndexOf('/') + 1;

    /// <summary>The parent directory; store lock.</summary>
    public PathNode? Parent = parent;

    /// <summary>
    /// Subdirectories: null, an exact-size array (a few: most directories have none or a few, and a dictionary costs
    /// about 200 bytes), or a dictionary by segment. Replaced whole under the store lock, read without it.
    /// </summary>
    private object? _children;

    /// <summary>Head of the intrusive list (<see cref="CacheEntry.IndexNext"/>) of the entries of files in this directory.</summary>
    public CacheEntry? First;

    /// <summary>Keys of files in this directory that cached entries depend on (they may not be cached themselves).</summary>
    public List<FileKey>? Targets;

    /// <summary>True while the node is in the trie (false for a node made for a load, and once pruned); store lock.</summary>
    public bool InTrie;

    /// <summary>The directory's own (last) segment.</summary>
    public ReadOnlySpan<char> Segment => DirectoryPath.AsSpan(_segmentStart);

    public bool IsEmpty => First is null && _children is null && (Targets is null || Targets.Count == 0);

    /// <summary>The normalized relative path of the file <paramref name="name"/> in this directory (a new string, except at the root).</summary>
    public string PathOf(string name) => DirectoryPath.Length == 0 ? name : string.Concat(DirectoryPath, "/", name);

    /// <summary>The child of that segment, if any; safe without the lock.</summary>
    public PathNode? FindChild(ReadOnlySpan<char> segment, StringComparison comparison)
    {
        switch (Volatile.Read(ref _children))
        {
            case PathNode[] array:
                foreach (var child in array)
                {
                    if (segment.Equals(child.Segment, comparison))
                    {
                        return child;
                    }
                }

                return null;
            case Dictionary<string, PathNode> dictionary:
                return dictionary.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(segment, out var found) ? found : null;
            default:
                return null;
        }
    }

    /// <summary>Adds a child (store lock): the children are copied and published whole, readers may be walking the old ones.</summary>
    public void AddChild(PathNode child, PathIndex.SegmentComparer comparer)
    {
        object grown;
        switch (_children)
        {
            case PathNode[] array when array.Length < MaxArrayChildren:
                var larger = new PathNode[array.Length + 1];
                array.CopyTo(larger, 0);
                larger[^1] = child;
                grown = larger;
                break;
            case PathNode[] array:
                var made = new Dictionary<string, PathNode>(array.Length + 1, comparer);
                foreach (var existing in array)
                {
                    made.Add(existing.DirectoryPath, existing);
                }

                made.Add(child.DirectoryPath, child);
                grown = made;
                break;
            case Dictionary<string, PathNode> dictionary:
                var copy = new Dictionary<string, PathNode>(dictionary, comparer) { { child.DirectoryPath, child } };
                grown = copy;
                break;
            default:
                grown = new[] { child };
                break;
        }

        Volatile.Write(ref _children, grown);
    }

    /// <summary>Removes a child (store lock), copying as <see cref="AddChild"/> does.</summary>
    public void RemoveChild(PathNode child, PathIndex.SegmentComparer comparer)
    {
        object? shrunk;
        switch (_children)
        {
            case PathNode[] array:
                shrunk = array.Length == 1 ? null : Array.FindAll(array, c => !ReferenceEquals(c, child));
                break;
            case Dictionary<string, PathNode> dictionary:
                var copy = new Dictionary<string, PathNode>(dictionary, comparer);
                copy.Remove(child.DirectoryPath);
                shrunk = copy.Count == 0 ? null : copy.Count <= MaxArrayChildren / 2 ? copy.Values.ToArray() : copy;
                break;
            default:
                return;
        }

        Volatile.Write(ref _children, shrunk);
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
            case Dictionary<string, PathNode> dictionary:
                foreach (var child in dictionary.Values)
                {
                    stack.Push(child);
                }

                break;
        }
    }

    /// <summary>
    /// Heap bytes of this node and its subtree's nodes (for footprint figures): each node (72), its path string, and its
    /// children's array (24 + 8 per child) or dictionary (about 100 + 32 per child). Entries and targets are not counted.
    /// </summary>
    public long SubtreeBytes()
    {
        long bytes = 72 + Storage.DefaultFileCache.StringBytes(DirectoryPath);
        switch (_children)
        {
            case PathNode[] array:
                bytes += 24 + (8L * array.Length);
                foreach (var child in array)
                {
                    bytes += child.SubtreeBytes();
                }

                break;
            case Dictionary<string, PathNode> dictionary:
                bytes += 100 + (32L * dictionary.Count);
                foreach (var child in dictionary.Values)
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
