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
    private readonly TinyLfuPolicy? _policy;
    private readonly Func<long> _bytesHeld;
    private readonly Action<CacheEntry> _evictForPolicy;
    private readonly Action<CacheEntry> _removeExpired;
    private readonly ExpiryIndex _expiry;
    private long _bytes;
    private long _count;
    private long _effectiveBudget;

    // The sink and time of the eviction under way, for _evictForPolicy (set and used under the lock only).
    private RemovalSink _evictSink = RemovalSink.Disabled;
    private long _evictNow;

    public EntryStore(long budget, long maxEntryBytes, EvictionPolicy policy = EvictionPolicy.Clock, long expiryBucketTicks = TimeSpan.TicksPerSecond)
    {
        _expiry = new ExpiryIndex(expiryBucketTicks);
        _removeExpired = RemoveExpired;
        Budget = budget;
        _effectiveBudget = budget;
        _maxEntryBytes = maxEntryBytes;
        _policy = policy == EvictionPolicy.TinyLfu ? new TinyLfuPolicy(budget) : null;
        _bytesHeld = () => _bytes;
        _evictForPolicy = EvictForPolicy;
    }

    public object Lock { get; } = new();

    /// <summary>Called under the lock when a project gets its first entry (the statistics make their per-project hit structures then).</summary>
    public Action<Partition>? FirstEntry { get; set; }

    /// <summary>Paths, tags and dependencies of the entries, kept in step with the lists under the lock.</summary>
    public Invalidation.EntryIndex Index { get; } = new();

    /// <summary>Gets the configured byte budget.</summary>
    public long Budget { get; }

    /// <summary>Gets the budget in force: the configured one, or less while the process is under memory pressure.</summary>
    public long EffectiveBudget => Volatile.Read(ref _effectiveBudget);

    /// <summary>Gets the admission policy, or null for CLOCK.</summary>
    internal TinyLfuPolicy? Policy => _policy;

    /// <summary>Gets the number of entries that can expire (filed for the sweeper).</summary>
    public long ExpiringCount => _expiry.Count;

    /// <summary>
    /// Removes up to <paramref name="maxEntries"/> expired entries, oldest expiry first, looking only at the
    /// expiry buckets that are due. Caller holds <see cref="Lock"/>.
    /// </summary>
    /// <returns>The number removed.</returns>
    public int SweepExpiredLocked(long now, int maxEntries, RemovalSink sink)
    {
        _evictSink = sink;
        _evictNow = now;
        int removed = _expiry.Sweep(now, maxEntries, _removeExpired);
        _evictSink = RemovalSink.Disabled;
        return removed;
    }

    /// <summary>Sets the budget in force and evicts down to it. Caller holds <see cref="Lock"/>.</summary>
    public void SetEffectiveBudgetLocked(long budget, long now, RemovalSink sink)
    {
        Volatile.Write(ref _effectiveBudget, Math.Clamp(budget, 1, Budget));
        _policy?.SetBudget(_effectiveBudget);
        EvictLocked(null, _effectiveBudget, now, sink);
    }

    public long Bytes => Volatile.Read(ref _bytes);

    public long Count => Volatile.Read(ref _count);

    /// <summary>The sizes of the entries held, changed with the byte counters.</summary>
    public FileCache.Statistics.LogHistogram Sizes { get; } = new();

    /// <summary>Inserts <paramref name="entry"/>, replacing any entry under its key. Caller holds <see cref="Lock"/>.</summary>
    /// <returns>False when refused: too large, or fenced by an invalidation since <paramref name="load"/> started.</returns>
    public bool InsertLocked(CacheEntry entry, LoadOperation? load, long now, RemovalSink sink)
    {
        var partition = entry.Partition;
        if (partition.Removed || (load is not null && (load.Fenced || load.Generation != partition.Generation)))
        {
            return false;
        }

        if (entry.Size > _effectiveBudget || entry.Size > partition.Quota || entry.Size > _maxEntryBytes)
        {
            partition.Counters.Rejected++;
            return false;
        }

        if (partition.Map.TryGetSameKeyLocked(entry, out var old))
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

        if (_bytes + entry.Size > _effectiveBudget && _expiry.Count > 0)
        {
            // Expired entries go first, before anything live is evicted (bounded: at most a few buckets' worth).
            SweepExpiredLocked(now, 256, sink);
        }

        if (_policy is not null)
        {
            // W-TinyLFU: the newcomer enters the window first, then competes for room (it may be the one that goes).
            partition.Map.SetLocked(entry);
            ClockList.LinkPartitionOnly(partition.ListHead, entry);
            Account(entry);
            _expiry.Add(entry);
            _policy.OnInsert(entry, _count);
            EvictLocked(null, _effectiveBudget, now, sink);
            return true;
        }

        EvictLocked(null, _effectiveBudget - entry.Size, now, sink);

        partition.Map.SetLocked(entry);
        ClockList.Link(_head, partition.ListHead, entry);
        Account(entry);
        _expiry.Add(entry);
        return true;
    }

    private void Account(CacheEntry entry)
    {
        var partition = entry.Partition;
        if (partition.Count == 0)
        {
            FirstEntry?.Invoke(partition);
        }

        Index.Added(entry);
        partition.Bytes += entry.Size;
        partition.Count++;
        _bytes += entry.Size;
        _count++;
        Sizes.Record(entry.Size);
    }

    /// <summary>Removes the entry under <paramref name="key"/>. Caller holds <see cref="Lock"/>.</summary>
    public bool RemoveLocked(Partition partition, in FileKey key, RemovalReason reason, RemovalSink sink)
    {
        if (!partition.Map.TryRemoveLocked(key, out var entry))
        {
            return false;
        }

        UnaccountLocked(entry, reason, sink);
        return true;
    }

    /// <summary>Removes <paramref name="entry"/> if it is still the one cached under its key. Caller holds <see cref="Lock"/>.</summary>
    public bool RemoveEntryLocked(CacheEntry entry, RemovalReason reason, RemovalSink sink)
    {
        if (!entry.Partition.Map.RemoveLocked(entry))
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
        if (partition.Quota != long.MaxValue)
        {
            while (head.PartNext != head)
            {
                RemoveEntryLocked(head.PartNext, reason, sink);
                removed++;
            }

            return removed;
        }

        // Without a quota the entries are not on the partition's list: the map holds every linked entry of it.
        foreach (var entry in partition.Map.Entries().ToArray())
        {
            removed += RemoveEntryLocked(entry, reason, sink) ? 1 : 0;
        }

        return removed;
    }

    /// <summary>
    /// CLOCK over the partition's list (quota) or the global list (budget) until the bytes are at most
    /// <paramref name="target"/>: a marked entry gets a second chance, an unmarked or expired one goes.
    /// </summary>
    private void EvictLocked(Partition? partition, long target, long now, RemovalSink sink)
    {
        if (partition is null && _policy is not null)
        {
            _evictSink = sink;
            _evictNow = now;
            _policy.Evict(_bytesHeld, target, _evictForPolicy);
            _evictSink = RemovalSink.Disabled;
            return;
        }

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
            else if (victim.Hits > 0 && budgetOfChances-- > 0)
            {
                // Bounded: readers marking entries as fast as we clear them cannot keep us here forever.
                if (_policy is null)
                {
                    ClockList.Promote(_head, victim.Partition.ListHead, victim);
                }
                else
                {
                    // Quota eviction under TinyLFU: the global lists belong to the policy; keep the hits as frequency.
                    _policy.FrequencyOf(victim);
                    ClockList.PromoteInPartition(victim.Partition.ListHead, victim);
                }
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
        _policy?.OnRemove(entry);
        _expiry.Remove(entry);
        ClockList.Unlink(entry);
        Index.Removed(entry, reason);
        partition.Bytes -= entry.Size;
        partition.Count--;
        _bytes -= entry.Size;
        _count--;
        Sizes.Remove(entry.Size);
        partition.Counters.Removals[(int)reason]++;
        sink.Add(entry, reason);
    }

    private void EvictForPolicy(CacheEntry victim) =>
        RemoveEntryLocked(victim, victim.CanExpire && victim.IsExpired(_evictNow) ? RemovalReason.Expired : RemovalReason.Capacity, _evictSink);

    private void RemoveExpired(CacheEntry entry)
    {
        if (!RemoveEntryLocked(entry, RemovalReason.Expired, _evictSink))
        {
            // Not the mapped entry any more (cannot happen while the invariants hold): unfile it so the sweep moves on.
            _expiry.Remove(entry);
        }
    }
}
