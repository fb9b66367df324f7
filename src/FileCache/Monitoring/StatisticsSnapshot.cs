using FileCache.Statistics;

namespace FileCache.Monitoring;

/// <summary>The cache's counters at one moment, as kept in the history.</summary>
/// <param name="At">When the snapshot was taken (the cache's <see cref="TimeProvider"/>).</param>
/// <param name="Counters">The totals over all projects (cumulative since start, but entries and bytes, which are current).</param>
/// <param name="BudgetBytes">The byte budget.</param>
/// <param name="LoadSeconds">The total duration of the loads measured since start, in seconds.</param>
/// <param name="LoadsMeasured">The loads measured since start (completed and failed).</param>
public sealed record StatisticsSnapshot(DateTimeOffset At, CacheCounters Counters, long BudgetBytes, double LoadSeconds, long LoadsMeasured);

/// <summary>The hit ratio of the latest window against the window before it.</summary>
/// <param name="Current">The hit ratio in the latest window, or <see langword="null"/> without requests or history.</param>
/// <param name="Previous">The hit ratio in the window before, or <see langword="null"/> without requests or history.</param>
/// <param name="CurrentRequests">Requests in the latest window.</param>
/// <param name="PreviousRequests">Requests in the window before.</param>
public readonly record struct HitRatioTrend(double? Current, double? Previous, long CurrentRequests, long PreviousRequests)
{
    /// <summary>Gets the change of the hit ratio (current minus previous), or <see langword="null"/> when either is unknown.</summary>
    public double? Change => Current - Previous;
}
