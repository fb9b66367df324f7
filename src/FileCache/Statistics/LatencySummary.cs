namespace FileCache.Statistics;

/// <summary>Percentiles of one kind of operation's duration since the cache started, from a log-bucket histogram (each within 12.5%).</summary>
/// <param name="Count">Operations measured.</param>
/// <param name="P50">The median.</param>
/// <param name="P90">The 90th percentile.</param>
/// <param name="P99">The 99th percentile.</param>
/// <param name="Max">The longest (exact).</param>
/// <param name="Mean">The mean (exact).</param>
public readonly record struct LatencySummary(long Count, TimeSpan P50, TimeSpan P90, TimeSpan P99, TimeSpan Max, TimeSpan Mean);

/// <summary>The kinds of operation whose durations are measured.</summary>
public enum CacheOperation
{
    /// <summary>A hit. Sampled: one hit in <see cref="FileCacheStatisticsOptions.HitTimingRate"/> repeats its lookup between two clock reads.</summary>
    Hit = 0,

    /// <summary>A load (a disk read or a loader call), from start to insert or failure.</summary>
    Load = 1,

    /// <summary>An invalidation (a key removal, a project invalidation, a clear), including the removal of its entries.</summary>
    Invalidation = 2,
}
