using System.Runtime.CompilerServices;

namespace FileCache.Storage;

/// <summary>
/// A partition's key → entry table: open addressing with linear probing over an array of entry references, so the
/// entry itself is the node (a <c>ConcurrentDictionary</c> adds a 48-byte node per entry and a dependent load per
/// hit). Reads take no lock: they read the current slot array and compare the entries they meet. Writes run under
/// the store lock (every structural change already does): a slot is published with one reference store; a removed
/// entry leaves a tombstone; growth or clean-up builds a new array and publishes it whole, so a reader that still
/// holds the old array sees the table as it was when its read began (never a half-moved table).
/// </summary>
internal sealed class EntryMap
{
    /// <summary>Marks a slot whose entry was removed (probing continues past it).</summary>
    private static readonly CacheEntry Tombstone = new();

    private readonly bool _ignoreCase;
    private CacheEntry?[] _slots = new CacheEntry?[16];
    private int _count;
    private int _tombstones;

    public EntryMap(bool ignoreCase) => _ignoreCase = ignoreCase;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Tombstones in the current array (for tests).</summary>
    internal int Tombstones => _tombstones;

    /// <summary>Slots in the current array (for tests and footprint figures).</summary>
    public int Capacity => _slots.Length;

    /// <summary>Finds the entry of <paramref name="key"/> (which must belong to this map's project); lock-free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetValue(in FileKey key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CacheEntry? entry) =>
        Probe<ByKey>(key.GetHashCode(), in key, null!, out entry);

    public bool ContainsKey(in FileKey key) => TryGetValue(key, out _);

    /// <summary>
    /// Finds the file entry (no variant) of a path a caller gave as a string; lock-free. As <see cref="TryGetValue"/>,
    /// with the path compare inlined: such a key carries no entry's name, so it always compares the path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetFileByPath(string path, int hash, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CacheEntry? entry) =>
        Probe<ByPath>(hash, in Unsafe.NullRef<FileKey>(), path, out entry);

    /// <summary>Maps the entry's key to <paramref name="entry"/>, replacing the entry there. Caller holds the store lock.</summary>
    public void SetLocked(CacheEntry entry)
    {
        int index = FindSlot(entry, out int free);
        if (index >= 0)
        {
            Volatile.Write(ref _slots[index], entry);
            return;
        }

        if (_slots[free] == Tombstone)
        {
            _tombstones--;
        }

        Volatile.Write(ref _slots[free], entry);
        _count++;
        // At most five eighths full (linear probing stays short: about 1.8 probes a hit at the most, 1.4 on average),
        // rebuilt at twice the size, or at the same size when tombstones made most of it.
        if ((_count + _tombstones) * 8 > _slots.Length * 5)
        {
            Rebuild(_count * 8 > _slots.Length * 3 ? _slots.Length * 2 : _slots.Length);
        }
    }

    /// <summary>The entry mapped under <paramref name="entry"/>'s key, if any (it may be that entry); no path is joined. Caller holds the store lock.</summary>
    public bool TryGetSameKeyLocked(CacheEntry entry, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CacheEntry? mapped)
    {
        int index = FindSlot(entry, out _);
        mapped = index >= 0 ? _slots[index] : null;
        return mapped is not null;
    }

    /// <summary>Whether an entry with <paramref name="entry"/>'s key is mapped (the work of a hit's lookup, with no key to make); lock-free.</summary>
    public bool ContainsKeyOf(CacheEntry entry)
    {
        var slots = _slots;
        int mask = slots.Length - 1;
        int index = entry.Hash & mask;
        while (slots[index] is { } candidate)
        {
            if (candidate != Tombstone && SameKey(candidate, entry))
            {
                return true;
            }

            index = (index + 1) & mask;
        }

        return false;
    }

    /// <summary>Removes the entry under <paramref name="key"/>. Caller holds the store lock.</summary>
    public bool TryRemoveLocked(in FileKey key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CacheEntry? entry)
    {
        if (!TryGetValue(key, out entry))
        {
            return false;
        }

        return RemoveLocked(entry);
    }

    /// <summary>Removes <paramref name="entry"/> if it is the one mapped under its key. Caller holds the store lock.</summary>
    public bool RemoveLocked(CacheEntry entry)
    {
        int mask = _slots.Length - 1;
        int index = entry.Hash & mask;
        while (!ReferenceEquals(_slots[index], entry))
        {
            if (_slots[index] is null)
            {
                return false;
            }

            index = (index + 1) & mask;
        }

        _count--;
        if (_slots[(index + 1) & mask] is null)
        {
            // The end of a probe run: no key lies past this slot along it, so the slot (and the tombstones just before
            // it) can be empty again rather than tombstones, which keeps misses' probes short under churn. A reader
            // that is past this slot already compared what it held; one that reaches it sees an end of run, which is
            // where its probe would end anyway.
            Volatile.Write(ref _slots[index], null);
            for (int before = (index - 1) & mask; _slots[before] == Tombstone; before = (before - 1) & mask)
            {
                Volatile.Write(ref _slots[before], null);
                _tombstones--;
            }
        }
        else
        {
            Volatile.Write(ref _slots[index], Tombstone);
            _tombstones++;
        }

        if (_count * 8 < _slots.Length && _slots.Length > 16)
        {
            Rebuild(Math.Max(16, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, _count * 4))));
        }

        return true;
    }

    /// <summary>The entries, from the current array (callers hold the store lock for a stable view).</summary>
    public IEnumerable<CacheEntry> Entries()
    {
        foreach (var entry in _slots)
        {
            if (entry is not null && entry != Tombstone)
            {
                yield return entry;
            }
        }
    }

    /// <summary>
    /// Probes the run from <paramref name="hash"/>'s slot to the first empty one for an entry of that hash that
    /// <typeparamref name="TMatch"/> accepts (the JIT compiles a copy for each matcher, with its compare inlined).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Probe<TMatch>(int hash, in FileKey key, string path, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CacheEntry? entry)
        where TMatch : struct, IProbeMatch
    {
        var slots = _slots;
        int mask = slots.Length - 1;
        int index = hash & mask;
        while (true)
        {
            var candidate = slots[index];
            if (candidate is null)
            {
                break;
            }

            if (candidate.Hash == hash && TMatch.Matches(this, candidate, in key, path))
            {
                entry = candidate;
                return true;
            }

            index = (index + 1) & mask;
        }

        entry = null;
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Matches(CacheEntry entry, in FileKey key) =>
        // A tombstone's directory and name contain NUL, so it never matches. A prepared key that carries the entry's
        // name string is the entry's path (one name string is only ever held for one path): a reference compare, as a
        // hit reads no other object; any other key compares its path with the directory's and the name.
        (entry.Name.Same(key.Name) || PathMatches(entry, key.Path, _ignoreCase))
        && (key.Variant is null ? !entry.HasVariant : string.Equals(entry.Variant, key.Variant, StringComparison.Ordinal))
        && key.IgnoreCase == _ignoreCase;

    /// <summary>
    /// Whether <paramref name="path"/> is the entry's directory path, a separator and its name: two comparisons of the
    /// key's path against the strings the entry shares with its directory, in place of one against a full path.
    /// </summary>
    // Not inlined: a prepared key's hit compares its name by reference and never comes here, so the hit stays small.
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static bool PathMatches(CacheEntry entry, string path, bool ignoreCase) => PathMatchesInline(entry, path, ignoreCase);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool PathMatchesInline(CacheEntry entry, string path, bool ignoreCase)
    {
        var directory = entry.IndexNode;
        if (!ignoreCase && entry.Name.Bytes is { } nameBytes && directory.Path.Bytes is { } directoryBytes)
        {
            // The common case, both kept as ASCII bytes and compared ordinally: each compare widens the bytes in place.
            int directoryLength = directoryBytes.Length;
            return path.Length == directoryLength + 1 + nameBytes.Length
                && path[directoryLength] == '/'
                && FileName.SameChars(nameBytes, path.AsSpan(directoryLength + 1))
                && FileName.SameChars(directoryBytes, path.AsSpan(0, directoryLength));
        }

        return PathMatchesSlow(entry, path, ignoreCase);
    }

    /// <summary>A path compare where a name or directory is kept as a string, or case is ignored.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool PathMatchesSlow(CacheEntry entry, string path, bool ignoreCase)
    {
        var directory = entry.IndexNode;
        var name = entry.Name;
        int length = directory.DirectoryLength;
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (length == 0)
        {
            return name.Is(path, comparison);
        }

        if (path.Length != length + 1 + name.Length || path[length] != '/')
        {
            return false;
        }

        return name.Is(path.AsSpan(length + 1), comparison) && directory.DirectoryIs(path.AsSpan(0, length), comparison);
    }

    /// <summary>Whether two entries have the same key in this map (the same directory, name and variant).</summary>
    private bool SameKey(CacheEntry a, CacheEntry b)
    {
        var comparison = _ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return a.Hash == b.Hash
            && a.Name.Is(b.Name, comparison)
            && (ReferenceEquals(a.IndexNode, b.IndexNode) || a.IndexNode.Path.Is(b.IndexNode.Path, comparison))
            && string.Equals(a.Variant, b.Variant, StringComparison.Ordinal);
    }

    /// <summary>The slot holding the entry's key, or -1 with <paramref name="free"/> the first reusable slot of its probe.</summary>
    private int FindSlot(CacheEntry entry, out int free)
    {
        int mask = _slots.Length - 1;
        int index = entry.Hash & mask;
        free = -1;
        while (true)
        {
            var candidate = _slots[index];
            if (candidate is null)
            {
                if (free < 0)
                {
                    free = index;
                }

                return -1;
            }

            if (candidate == Tombstone)
            {
                if (free < 0)
                {
                    free = index;
                }
            }
            else if (SameKey(candidate, entry))
            {
                return index;
            }

            index = (index + 1) & mask;
        }
    }

    /// <summary>Moves the live entries into a new array of <paramref name="capacity"/> slots and publishes it.</summary>
    private void Rebuild(int capacity)
    {
        var slots = new CacheEntry?[capacity];
        int mask = capacity - 1;
        foreach (var entry in _slots)
        {
            if (entry is null || entry == Tombstone)
            {
                continue;
            }

            int index = entry.Hash & mask;
            while (slots[index] is not null)
            {
                index = (index + 1) & mask;
            }

            slots[index] = entry;
        }

        _tombstones = 0;
        Volatile.Write(ref _slots, slots);
    }

    /// <summary>How <see cref="Probe{TMatch}"/> compares an entry whose hash matched: with a key, or with a path string alone.</summary>
    private interface IProbeMatch
    {
        static abstract bool Matches(EntryMap map, CacheEntry candidate, in FileKey key, string path);
    }

    /// <summary>Compares with <c>key</c> (its name by reference when it carries one).</summary>
    private readonly struct ByKey : IProbeMatch
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Matches(EntryMap map, CacheEntry candidate, in FileKey key, string path) => map.Matches(candidate, key);
    }

    /// <summary>Compares with <c>path</c>, a file's (no variant); the key is not read. A tombstone never matches.</summary>
    private readonly struct ByPath : IProbeMatch
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Matches(EntryMap map, CacheEntry candidate, in FileKey key, string path) =>
            // The tombstone check comes last: only a path of NULs could match its name, and a hit pays one compare.
            !candidate.HasVariant && PathMatchesInline(candidate, path, map._ignoreCase) && candidate != Tombstone;
    }
}
