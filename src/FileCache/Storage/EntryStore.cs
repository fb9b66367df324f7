using FileCache.Eviction;

namespace FileCache.Storage;

/// <summary>
/// The write side of the cache: every insert, replacement and removal, the byte accounting and the CLOCK
/// eviction run under one lock. Readers never take it: they read the partitions' ConcurrentDictionary and
/// set an access mark. Because the dictionary change, the list change and the counters change together
/// under the lock, the counted entries and bytes always equal what the dictionaries hold.
/// </summary>
internal sealed class EntryStore
{
    private readonly CacheEntry _head = new();
    private readonly long _maxEntryBytes;
    private long _bytes;
    private long _count;

    public EntryStore(long budget, long maxEntryBytes)
    {
        Budget = budget;
        _maxEntryBytes = maxEntryBytes;
    }

    public object Lock { get; } = new();

    /// <summary>Paths, tags and dependencies of the entries, kept in step with the lists under the lock.</summary>
    public Invalidation.EntryIndex Index { get; } = new();

    public long Budget { get; }

    public long Bytes => Volatile.Read(ref _bytes);

    public long Count => Volatile.Read(ref _count);

    /// <summary>Inserts <paramref name="entry"/>, replacing any entry under its key. Caller holds <see cref="Lock"/>.</summary>
    /// <returns>False when refused: too large, or fenced by an invalidation since <paramref name="load"/> started.</returns>
    public bool InsertLocked(CacheEntry entry, LoadOperation? load, long now, RemovalSink sink)
    {
        var partition = entry.Partition;
        if (partition.Removed || (load is not null && (load.Fenced || load.Generation != partition.Generation)))
        {
            return false;
        }

        if (entry.Size > Budget || entry.Size > partition.Quota || entry.Size > _maxEntryBytes)
        {
            partition.Counters.Rejected++;
            return false;
        }

        if (partition.Map.TryGetValue(entry.Key, out var old))
        {
            // The dictionary still maps the key to the old entry until the indexer below replaces it:
            // readers meanwhile get the old value, which is still a correct answer.
            UnaccountLocked(old, RemovalReason.Replaced, sink);
        }

        // Make room before linking, so the new entry is never its own victim.
        if (partition.Quota != long.MaxValue)
        {
            EvictLocked(partition, partition.Quota - entry.Size, now, sink);
        }

        EvictLocked(null, Budget - entry.Size, now, sink);

        partition.Map[entry.Key] = entry;
        ClockList.Link(_head, partition.ListHead, entry);
        Index.Added(entry);
        partition.Bytes += entry.Size;
        partition.Count++;
        _bytes += entry.Size;
        _count++;
        return true;
    }

    /// <summary>Removes the entry under <paramref name="key"/>. Caller holds <see cref="Lock"/>.</summary>
    public bool RemoveLocked(Partition partition, in FileKey key, RemovalReason reason, RemovalSink sink)
    {
        if (!partition.Map.TryRemove(key, out var entry))
        {
            return false;
        }

        UnaccountLocked(entry, reason, sink);
        return true;
    }

    /// <summary>Removes <paramref name="entry"/> if it is still the one cached under its key. Caller holds <see cref="Lock"/>.</summary>
    public bool RemoveEntryLocked(CacheEntry entry, RemovalReason reason, RemovalSink sink)
    {
        if (!entry.Partition.Map.TryRemove(new KeyValuePair<FileKey, CacheEntry>(entry.Key, entry)))
        {
            return false;
        }

        UnaccountLocked(entry, reason, sink);
        return true;
    }

    /// <summary>Removes every entry of <paramref name="partition"/>. Caller holds <see cref="Lock"/>.</summary>
    public int RemoveAllLocked(Partition partition, RemovalReason reason, RemovalSink sink)
    {
        int removed = 0;
        var head = partition.ListHead;
        while (head.PartNext != head)
        {
            RemoveEntryLocked(head.PartNext, reason, sink);
            removed++;
        }

        return removed;
    }

    /// <summary>
    /// CLOCK over the partition's list (quota) or the global list (budget) until the bytes are at most
    /// <paramref name="target"/>: a marked entry gets a second chance, an unmarked or expired one goes.
    /// </summary>
    private void EvictLocked(Partition? partition, long target, long now, RemovalSink sink)
    {
        var head = partition is null ? _head : partition.ListHead;
        long budgetOfChances = partition is null ? _count : partition.Count;
        while ((partition is null ? _bytes : partition.Bytes) > target)
        {
            var victim = partition is null ? head.Next : head.PartNext;
            if (victim == head)
            {
                return;
            }

            if (victim.CanExpire && victim.IsExpired(now))
            {
                RemoveEntryLocked(victim, RemovalReason.Expired, sink);
            }
            else if (victim.Accessed && budgetOfChances-- > 0)
            {
                // Bounded: readers marking entries as fast as we clear them cannot keep us here forever.
                ClockList.Promote(_head, victim.Partition.ListHead, victim);
            }
            else
            {
                RemoveEntryLocked(victim, RemovalReason.Capacity, sink);
            }
        }
    }

    private void UnaccountLocked(CacheEntry entry, RemovalReason reason, RemovalSink sink)
    {
        if (!entry.Linked)
        {
            return;
        }

        var partition = entry.Partition;
        ClockList.Unlink(entry);
        Index.Removed(entry, reason);
        partition.Bytes -= entry.Size;
        partition.Count--;
        _bytes -= entry.Size;
        _count--;
        partition.Counters.Removals[(int)reason]++;
        sink.Add(entry, reason);
    }
}
