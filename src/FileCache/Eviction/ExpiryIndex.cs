using FileCache.Storage;

namespace FileCache.Eviction;

/// <summary>
/// Entries that can expire, filed in buckets by when they expire (one bucket per <c>bucketTicks</c> of
/// timestamps), oldest bucket first. Sweeping touches only buckets whose time has come, never the whole cache:
/// its work is proportional to what it removes (plus sliding entries it re-files because a hit renewed them).
/// Every bucket is an intrusive doubly linked list, so removing an entry for another reason is O(1) and the
/// index never keeps a dropped value alive. Used under the store lock only.
/// </summary>
internal sealed class ExpiryIndex
{
    private readonly long _bucketTicks;
    private readonly Dictionary<long, CacheEntry> _buckets = [];
    private readonly PriorityQueue<long, long> _due = new();

    public ExpiryIndex(long bucketTicks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketTicks, 1);
        _bucketTicks = bucketTicks;
    }

    /// <summary>Gets how many entries the last sweep looked at (for tests: the work is the due entries, not the cache).</summary>
    public int LastLooked { get; private set; }

    /// <summary>Gets the number of entries filed.</summary>
    public long Count { get; private set; }

    public void Add(CacheEntry entry)
    {
        // HasExpiry, not CanExpire: CanExpire also marks entries checked against the disk on read or stale,
        // which have no time to be swept at.
        if (!entry.HasExpiry)
        {
            return;
        }

        long bucket = entry.ExpiresAt() / _bucketTicks;
        if (!_buckets.TryGetValue(bucket, out var head))
        {
            head = new CacheEntry();
            head.ExpPrev = head.ExpNext = head;
            _buckets.Add(bucket, head);
            _due.Enqueue(bucket, bucket);
        }

        entry.ExpBucket = bucket;
        entry.ExpPrev = head.ExpPrev;
        entry.ExpNext = head;
        head.ExpPrev!.ExpNext = entry;
        head.ExpPrev = entry;
        Count++;
    }

    public void Remove(CacheEntry entry)
    {
        if (entry.ExpNext is null)
        {
            return;
        }

        entry.ExpPrev!.ExpNext = entry.ExpNext;
        entry.ExpNext.ExpPrev = entry.ExpPrev;
        entry.ExpPrev = entry.ExpNext = null;
        Count--;
        if (_buckets.TryGetValue(entry.ExpBucket, out var head) && head.ExpNext == head)
        {
            // The bucket's number stays in _due until it comes up; a missing bucket is skipped then.
            _buckets.Remove(entry.ExpBucket);
        }
    }

    /// <summary>
    /// Looks at up to <paramref name="maxEntries"/> entries of the buckets that are due at <paramref name="now"/>,
    /// oldest first: an expired one is handed to <paramref name="removeExpired"/> (which must call
    /// <see cref="Remove"/>), one renewed by a hit since it was filed moves to its new bucket.
    /// </summary>
    /// <returns>The number of entries removed.</returns>
    public int Sweep(long now, int maxEntries, Action<CacheEntry> removeExpired)
    {
        long current = now / _bucketTicks;
        int looked = 0, removed = 0;
        while (looked < maxEntries && _due.TryPeek(out long bucket, out _) && bucket <= current)
        {
            if (!_buckets.TryGetValue(bucket, out var head))
            {
                _due.Dequeue();
                continue;
            }

            // The current bucket also holds entries that expire later within it: walk past those.
            var entry = head.ExpNext!;
            while (entry != head && looked < maxEntries)
            {
                var next = entry.ExpNext!;
                looked++;
                if (entry.IsExpired(now))
                {
                    removeExpired(entry);
                    removed++;
                }
                else if (entry.ExpiresAt() / _bucketTicks != bucket)
                {
                    Remove(entry);
                    Add(entry);
                }

                entry = next;
            }

            if (bucket == current || _buckets.ContainsKey(bucket))
            {
                // Either not everything here has expired yet, or the budget of this sweep ran out.
                break;
            }
        }

        LastLooked = looked;
        return removed;
    }
}
