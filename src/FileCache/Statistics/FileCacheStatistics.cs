namespace FileCache.Statistics;

/// <summary>An immutable snapshot of a cache's statistics.</summary>
public sealed class FileCacheStatistics
{
    /// <summary>Initializes a new instance of the <see cref="FileCacheStatistics"/> class.</summary>
    /// <param name="total">The sums over all projects.</param>
    /// <param name="projects">Each project's statistics, by name.</param>
    /// <param name="budgetBytes">The byte budget.</param>
    public FileCacheStatistics(CacheCounters total, IReadOnlyDictionary<string, CacheCounters> projects, long budgetBytes)
    {
        ArgumentNullException.ThrowIfNull(projects);
        Total = total;
        Projects = projects;
        BudgetBytes = budgetBytes;
    }

    /// <summary>Gets the sums over all projects.</summary>
    public CacheCounters Total { get; }

    /// <summary>Gets each project's statistics, by name.</summary>
    public IReadOnlyDictionary<string, CacheCounters> Projects { get; }

    /// <summary>Gets the byte budget.</summary>
    public long BudgetBytes { get; }

    /// <summary>Gets the invalidation counters: entries by cause, hooks, watcher overflows, soft invalidation.</summary>
    public Invalidation.InvalidationStatistics? Invalidation { get; init; }

    /// <summary>Gets the counters of writes: through, behind, coalesced, flushed, failed, conflicts, pending now.</summary>
    public Writing.WriteStatistics Writes { get; init; }

    /// <summary>Gets the memory status: the configured and the effective budget, the last memory load measured and the alerts raised.</summary>
    public FileCacheMemoryStatus Memory { get; init; }
}

/// <summary>Counters of one project, or of all projects together.</summary>
/// <param name="Hits">Reads served from the cache.</param>
/// <param name="Misses">Reads that found no live value.</param>
/// <param name="Loads">Loads (disk reads or loader calls) that completed.</param>
/// <param name="LoadFailures">Loads that threw or were cancelled.</param>
/// <param name="Rejected">Values refused because they were larger than the budget, a quota or the entry limit.</param>
/// <param name="Evictions">Entries removed, by reason.</param>
/// <param name="Invalidations">Invalidation requests (a key removal, a project invalidation, a clear).</param>
/// <param name="Entries">Entries held now.</param>
/// <param name="Bytes">Bytes counted for the entries held now.</param>
public readonly record struct CacheCounters(
    long Hits,
    long Misses,
    long Loads,
    long LoadFailures,
    long Rejected,
    RemovalCounts Evictions,
    long Invalidations,
    long Entries,
    long Bytes)
{
    /// <summary>Gets the share of reads that hit, from 0 to 1 (0 when there were no reads).</summary>
    public double HitRatio => Hits + Misses == 0 ? 0 : (double)Hits / (Hits + Misses);

    /// <summary>Adds two sets of counters.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns>The sums.</returns>
    public static CacheCounters operator +(CacheCounters left, CacheCounters right) => new(
        left.Hits + right.Hits,
        left.Misses + right.Misses,
        left.Loads + right.Loads,
        left.LoadFailures + right.LoadFailures,
        left.Rejected + right.Rejected,
        left.Evictions + right.Evictions,
        left.Invalidations + right.Invalidations,
        left.Entries + right.Entries,
        left.Bytes + right.Bytes);

    /// <summary>Adds two sets of counters.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns>The sums.</returns>
    public static CacheCounters Add(CacheCounters left, CacheCounters right) => left + right;
}

/// <summary>Entries removed, by <see cref="RemovalReason"/>.</summary>
/// <param name="Capacity">Evicted for the budget or a quota.</param>
/// <param name="Expired">Expired.</param>
/// <param name="Removed">Removed explicitly or cleared.</param>
/// <param name="Replaced">Replaced by a newer value.</param>
/// <param name="Invalidated">Invalidated.</param>
public readonly record struct RemovalCounts(long Capacity, long Expired, long Removed, long Replaced, long Invalidated)
{
    /// <summary>Gets the count for one reason.</summary>
    /// <param name="reason">The reason.</param>
    /// <returns>The count.</returns>
    public long this[RemovalReason reason] => reason switch
    {
        RemovalReason.Capacity => Capacity,
        RemovalReason.Expired => Expired,
        RemovalReason.Removed => Removed,
        RemovalReason.Replaced => Replaced,
        RemovalReason.Invalidated => Invalidated,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Unknown removal reason."),
    };

    /// <summary>Adds two sets of counts.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns>The sums.</returns>
    public static RemovalCounts operator +(RemovalCounts left, RemovalCounts right) => new(
        left.Capacity + right.Capacity,
        left.Expired + right.Expired,
        left.Removed + right.Removed,
        left.Replaced + right.Replaced,
        left.Invalidated + right.Invalidated);

    /// <summary>Adds two sets of counts.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns>The sums.</returns>
    public static RemovalCounts Add(RemovalCounts left, RemovalCounts right) => left + right;
}
