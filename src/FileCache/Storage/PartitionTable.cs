using System.Runtime.CompilerServices;

namespace FileCache.Storage;

/// <summary>
/// An immutable open-addressing table of partitions by name, replaced whole when a project is added or
/// removed (rare), so a lookup is a few array reads with no lock and, for a prepared key, no hashing.
/// </summary>
internal sealed class PartitionTable
{
    private readonly Partition?[] _slots;
    private readonly int _mask;

    public PartitionTable(IReadOnlyCollection<Partition> partitions)
    {
        All = partitions.ToArray();
        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(4, partitions.Count * 2));
        _slots = new Partition?[size];
        _mask = size - 1;
        foreach (var partition in partitions)
        {
            int index = partition.NameHash & _mask;
            while (_slots[index] is not null)
            {
                index = (index + 1) & _mask;
            }

            _slots[index] = partition;
        }
    }

    public static PartitionTable Empty { get; } = new([]);

    public Partition[] All { get; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Partition? Find(string name, int hash)
    {
        int index = hash & _mask;
        while (true)
        {
            var partition = _slots[index];
            if (partition is null)
            {
                return null;
            }

            if (partition.NameHash == hash && (ReferenceEquals(partition.Name, name) || string.Equals(partition.Name, name, StringComparison.Ordinal)))
            {
                return partition;
            }

            index = (index + 1) & _mask;
        }
    }

    /// <summary>
    /// Finds a partition by a caller's name string. Callers usually pass the same string instance every time
    /// (a literal or a field): a reference match over the few partitions costs less than hashing the name.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Partition? Find(string name)
    {
        var all = All;
        for (int i = 0; i < all.Length && i < 8; i++)
        {
            if (ReferenceEquals(all[i].Name, name))
            {
                return all[i];
            }
        }

        return Find(name, Partition.HashName(name));
    }

    public PartitionTable With(Partition partition) => new(All.Append(partition).ToArray());

    public PartitionTable Without(Partition partition) => new(All.Where(p => p != partition).ToArray());
}
