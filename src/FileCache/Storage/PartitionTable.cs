using System.Runtime.CompilerServices;

namespace FileCache.Storage;

/// <summary>
/// The partitions by name: an open-addressing array that readers probe with no lock and, for a prepared key, no
/// hashing. Registration writes one slot (the array doubles when half full, so adding a project is amortized O(1)
/// even for tens of thousands of projects); removal leaves a tombstone that never matches a name. Writers serialize
/// on the table's own lock; a reader sees each slot either before or after a write, never half of one.
/// </summary>
internal sealed class PartitionTable
{
    private const int ByReference = 8;

    // Project names never contain NUL (registration refuses them), so this never matches a lookup: probes step over it.
    private static readonly Partition Tombstone = new(new FileCacheProjectOptions { Name = "\0removed" }, null);

    private readonly object _gate = new();
    private readonly List<Partition> _ordered = [];
    private volatile Partition?[] _slots = new Partition?[8];
    private volatile Partition[]? _all = [];
    private volatile Partition[] _first = [];
    private int _used;

    /// <summary>Gets the registered partitions in registration order (a snapshot, rebuilt after a change when first asked for).</summary>
    public Partition[] All
    {
        get
        {
            var all = _all;
            if (all is null)
            {
                lock (_gate)
                {
                    all = _all ??= _ordered.ToArray();
                }
            }

            return all;
        }
    }

    /// <summary>Gets the number of registered partitions.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _ordered.Count;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Partition? Find(string name, int hash)
    {
        var slots = _slots;
        int mask = slots.Length - 1;
        int index = hash & mask;
        while (true)
        {
            var partition = Volatile.Read(ref slots[index]);
            if (partition is null)
            {
                return null;
            }

            if (partition.NameHash == hash && (ReferenceEquals(partition.Name, name) || string.Equals(partition.Name, name, StringComparison.Ordinal)))
            {
                return partition;
            }

            index = (index + 1) & mask;
        }
    }

    /// <summary>
    /// Finds a partition by a caller's name string. Callers usually pass the same string instance every time
    /// (a literal or a field): a reference match over the first few partitions costs less than hashing the name.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Partition? Find(string name)
    {
        var first = _first;
        for (int i = 0; i < first.Length; i++)
        {
            if (ReferenceEquals(first[i].Name, name))
            {
                return first[i];
            }
        }

        return Find(name, Partition.HashName(name));
    }

    /// <summary>Registers <paramref name="partition"/> (its name must not be registered yet). Amortized O(1).</summary>
    public void Add(Partition partition)
    {
        lock (_gate)
        {
            var slots = _slots;
            if ((_used + 1) * 2 > slots.Length)
            {
                // Rebuilt without tombstones, at twice the live count's need: each rebuild pays for as many adds.
                slots = Rebuild(_ordered.Count + 1);
            }

            int mask = slots.Length - 1;
            int index = partition.NameHash & mask;
            while (slots[index] is not null)
            {
                index = (index + 1) & mask;
            }

            Volatile.Write(ref slots[index], partition);
            _used++;
            _ordered.Add(partition);
            _all = null;
            if (_ordered.Count <= ByReference)
            {
                _first = _ordered.ToArray();
            }
        }
    }

    /// <summary>Unregisters <paramref name="partition"/>. O(number of projects): removal of a project is rare.</summary>
    public void Remove(Partition partition)
    {
        lock (_gate)
        {
            var slots = _slots;
            int mask = slots.Length - 1;
            int index = partition.NameHash & mask;
            while (slots[index] is { } occupant)
            {
                if (ReferenceEquals(occupant, partition))
                {
                    Volatile.Write(ref slots[index], Tombstone);
                    break;
                }

                index = (index + 1) & mask;
            }

            int position = _ordered.IndexOf(partition);
            if (position >= 0)
            {
                _ordered.RemoveAt(position);
                _all = null;
                if (position < ByReference)
                {
                    _first = _ordered.Take(ByReference).ToArray();
                }
            }
        }
    }

    private Partition?[] Rebuild(int live)
    {
        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(8, live * 4));
        var slots = new Partition?[size];
        int mask = size - 1;
        foreach (var partition in _ordered)
        {
            int index = partition.NameHash & mask;
            while (slots[index] is not null)
            {
                index = (index + 1) & mask;
            }

            slots[index] = partition;
        }

        _used = _ordered.Count;
        _slots = slots;
        return slots;
    }
}
