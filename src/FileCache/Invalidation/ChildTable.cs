namespace FileCache.Invalidation;

/// <summary>
/// The subdirectories of a directory with many: open addressing with linear probing over an array of nodes, by the
/// hash of their last segment (about 16 bytes a child where a concurrent dictionary took about 56 and 200 of its own).
/// Reads take no lock: they read the current array and compare the nodes they meet. Changes run under the store lock
/// (every change of the index does): a slot is published with one reference store, a removed child leaves a tombstone,
/// and growth or clean-up builds a new array and publishes it whole, as <see cref="Storage.EntryMap"/> does.
/// </summary>
internal sealed class ChildTable
{
    /// <summary>Marks a slot whose child was removed (probing goes on past it; a lookup never returns it).</summary>
    private static readonly PathNode Tombstone = new("\0", null, null);

    private readonly StringComparison _comparison;
    private PathNode?[] _slots;
    private int _tombstones;

    public ChildTable(IReadOnlyCollection<PathNode> children, StringComparison comparison)
    {
        _comparison = comparison;
        _slots = new PathNode?[SlotsFor(children.Count + 1)];
        foreach (var child in children)
        {
            Place(_slots, child);
        }

        Count = children.Count;
    }

    /// <summary>Children in the table; store lock.</summary>
    public int Count { get; private set; }

    /// <summary>Heap bytes of the table and its slot array (for footprint figures).</summary>
    public long Bytes => 32 + 24 + (8L * _slots.Length);

    /// <summary>The child of that segment, if any; safe without the lock.</summary>
    public PathNode? Find(ReadOnlySpan<char> segment)
    {
        var slots = Volatile.Read(ref _slots);
        int mask = slots.Length - 1;
        int index = string.GetHashCode(segment, _comparison) & mask;
        while (Volatile.Read(ref slots[index]) is { } child)
        {
            if (!ReferenceEquals(child, Tombstone) && segment.Equals(child.Segment, _comparison))
            {
                return child;
            }

            index = (index + 1) & mask;
        }

        return null;
    }

    /// <summary>Adds a child whose segment is not in the table; store lock.</summary>
    public void Add(PathNode child)
    {
        if ((Count + _tombstones + 1) * 2 > _slots.Length)
        {
            Rebuild(SlotsFor(Count + 1));
        }

        int mask = _slots.Length - 1;
        int index = string.GetHashCode(child.Segment, _comparison) & mask;
        while (_slots[index] is { } taken && !ReferenceEquals(taken, Tombstone))
        {
            index = (index + 1) & mask;
        }

        if (ReferenceEquals(_slots[index], Tombstone))
        {
            _tombstones--;
        }

        Volatile.Write(ref _slots[index], child);
        Count++;
    }

    /// <summary>Removes that child if it is in the table; store lock.</summary>
    public void Remove(PathNode child)
    {
        int mask = _slots.Length - 1;
        int index = string.GetHashCode(child.Segment, _comparison) & mask;
        while (_slots[index] is { } taken)
        {
            if (ReferenceEquals(taken, child))
            {
                Volatile.Write(ref _slots[index], Tombstone);
                Count--;
                _tombstones++;
                return;
            }

            index = (index + 1) & mask;
        }
    }

    /// <summary>The children, from the current array.</summary>
    public IEnumerable<PathNode> Children()
    {
        foreach (var child in Volatile.Read(ref _slots))
        {
            if (child is not null && !ReferenceEquals(child, Tombstone))
            {
                yield return child;
            }
        }
    }

    /// <summary>A power of two that keeps the table at most half full.</summary>
    private static int SlotsFor(int children) => (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, children * 2));

    private void Rebuild(int length)
    {
        var slots = new PathNode?[length];
        foreach (var child in Children())
        {
            Place(slots, child);
        }

        _tombstones = 0;
        Volatile.Write(ref _slots, slots);
    }

    private void Place(PathNode?[] slots, PathNode child)
    {
        int mask = slots.Length - 1;
        int index = string.GetHashCode(child.Segment, _comparison) & mask;
        while (slots[index] is not null)
        {
            index = (index + 1) & mask;
        }

        slots[index] = child;
    }
}
