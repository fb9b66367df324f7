namespace FileCache.Statistics;

/// <summary>Options of the detailed statistics: latency histograms, hot keys, history and alerts.</summary>
/// <remarks>
/// The basic counters (<see cref="IFileCache.GetStatistics"/>) and the metrics built on them are always kept.
/// These options govern what costs more: sampling hits, timing operations and keeping a history.
/// </remarks>
public sealed class FileCacheStatisticsOptions
{
    /// <summary>Gets or sets a value indicating whether detailed statistics are kept.</summary>
    /// <value>
    /// Defaults to <see langword="true"/>. When <see langword="false"/>, hits are not sampled, loads and invalidations
    /// are not timed (unless a metrics listener asks for their durations), no history is kept and no alert is evaluated.
    /// </value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets how many hits make one sample for the hot-key statistics (picked pseudo-randomly from the hit count, so periodic access does not alias).</summary>
    /// <value>Defaults to 256 (measured: at 64 the sampled hits and their drains cost a hit about 8 %). A power of two from 1 to 65,536.</value>
    public int HitSampleRate { get; set; } = 256;

    /// <summary>Gets or sets how many hits make one timed hit for the hit-latency histogram.</summary>
    /// <value>Defaults to 1,024. A power of two, at least <see cref="HitSampleRate"/>, at most 2^20.</value>
    public int HitTimingRate { get; set; } = 1024;

    /// <summary>Gets or sets how many hot keys are tracked, per project and over all projects.</summary>
    /// <value>Defaults to 16. From 1 to 1,000.</value>
    public int HotKeyCount { get; set; } = 16;

    /// <summary>Gets or sets the interval between history snapshots (each also evaluates the alert rules).</summary>
    /// <value>Defaults to 10 seconds. <see langword="null"/> keeps no timer: snapshots are then taken only by <see cref="Monitoring.CacheMonitor.TakeSnapshot"/>. At least 10 milliseconds when set.</value>
    public TimeSpan? HistoryInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how many snapshots the history keeps (the oldest goes first).</summary>
    /// <value>Defaults to 360 (an hour at the default interval). From 2 to 1,000,000.</value>
    public int HistoryCapacity { get; set; } = 360;

    /// <summary>Gets or sets a value indicating whether metrics carry a <c>project</c> tag (one series per project).</summary>
    /// <value>Defaults to <see langword="false"/>: totals only, so the number of series does not grow with the number of projects.</value>
    public bool PerProjectMetrics { get; set; }
}
