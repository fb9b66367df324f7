namespace FileCache.HitRate;

/// <summary>What a replay through the real cache did, with the cache's own counters for cross-checking.</summary>
internal readonly record struct FileCacheReplayResult(HitCount Count, long Refused, long CountedHits, long CountedMisses, long CapacityEvictions, long EntriesAtEnd)
{
    /// <summary>Null when the cache's own counters agree with the replay, otherwise what disagrees.</summary>
    public string? Inconsistency(int capacity)
    {
        if (Refused != 0)
        {
            return $"{Refused} Set calls were refused";
        }

        if (CountedHits != Count.Hits || CountedMisses != Count.Requests - Count.Hits)
        {
            return $"the cache counted {CountedHits} hits / {CountedMisses} misses, the replay saw {Count.Hits} / {Count.Requests - Count.Hits}";
        }

        if (EntriesAtEnd > capacity)
        {
            return $"{EntriesAtEnd} entries held at the end, more than the capacity {capacity}";
        }

        return null;
    }
}

/// <summary>
/// Drives FileCache's real eviction through its public API: a cache whose byte budget is the capacity in
/// entries (every entry declares 1 byte and is charged the per-entry overhead besides, the same for all); each request
/// is a TryGet, and a miss Sets the key.
/// </summary>
internal static class FileCacheReplay
{
    private const string Project = "trace";

    private static readonly byte[] SharedPayload = [];
    private static readonly FileCacheEntryOptions SizeOne = new() { Size = 1 };

    public static FileCacheReplayResult Run(AccessTrace trace, int capacity, EvictionPolicy policy = EvictionPolicy.Clock)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        // Every entry declares one unit and is also charged the per-entry overhead: the budget holds exactly capacity entries.
        using var cache = FileCacheFactory.Create(new FileCacheOptions { MaxBytes = capacity * (SizeOne.Size!.Value + Storage.DefaultFileCache.EntryOverhead), EvictionPolicy = policy }.AddProject(Project, null));

        // Keys are prepared once per distinct trace key: a lookup then hashes and normalizes nothing.
        var keys = new FileKey[trace.UniqueKeys];
        for (int id = 0; id < keys.Length; id++)
        {
            keys[id] = cache.CreateKey(Project, trace.DistinctKeys[id].ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        long hits = 0;
        long refused = 0;
        foreach (int id in trace.Ids)
        {
            ref readonly var key = ref keys[id];
            if (cache.TryGet<byte[]>(key, out _))
            {
                hits++;
            }
            else if (!cache.Set(key, SharedPayload, SizeOne))
            {
                refused++;
            }
        }

        var total = cache.GetStatistics().Total;
        return new FileCacheReplayResult(new HitCount(hits, trace.Length), refused, total.Hits, total.Misses, total.Evictions.Capacity, total.Entries);
    }
}
