namespace FileCache.Monitoring;

/// <summary>
/// An alert: raised when <see cref="Metric"/>, computed over <see cref="Window"/>, has been beyond
/// <see cref="Threshold"/> at every evaluation for <see cref="Duration"/>; resolved when it has been back beyond
/// <see cref="ResolveThreshold"/> for <see cref="Duration"/>. The gap between the two thresholds is the hysteresis.
/// </summary>
public sealed class AlertRule
{
    /// <summary>Gets or sets the rule's unique name.</summary>
    /// <value>Required; no default.</value>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the metric watched.</summary>
    /// <value>Defaults to <see cref="AlertMetric.HitRatio"/>.</value>
    public AlertMetric Metric { get; set; }

    /// <summary>Gets or sets on which side of <see cref="Threshold"/> the alert fires.</summary>
    /// <value>Defaults to <see cref="AlertComparison.Above"/>.</value>
    public AlertComparison Comparison { get; set; }

    /// <summary>Gets or sets the value beyond which the condition holds.</summary>
    /// <value>Defaults to 0. Must be finite.</value>
    public double Threshold { get; set; }

    /// <summary>Gets or sets the value the metric must cross back over before the alert resolves.</summary>
    /// <value>Defaults to <see langword="null"/>: <see cref="Threshold"/> itself (no hysteresis). Must not be beyond <see cref="Threshold"/> in the firing direction.</value>
    public double? ResolveThreshold { get; set; }

    /// <summary>Gets or sets the span of history rates and ratios are computed over.</summary>
    /// <value>Defaults to 1 minute. Zero means since the previous snapshot. Not negative.</value>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets how long the condition (or its clearing) must hold before the alert is raised (or resolved).</summary>
    /// <value>Defaults to zero: at the first evaluation that sees it. Not negative.</value>
    public TimeSpan Duration { get; set; }

    /// <summary>Gets or sets the fewest events in the window (requests for a hit ratio, loads for load metrics) for the metric to count.</summary>
    /// <value>Defaults to 1. Not negative. Ignored by <see cref="AlertMetric.MemoryUsage"/> and <see cref="AlertMetric.CapacityEvictionsPerMinute"/>.</value>
    public long MinimumEvents { get; set; } = 1;
}

/// <summary>What an <see cref="AlertRule"/> watches.</summary>
public enum AlertMetric
{
    /// <summary>Hits over requests in the window, from 0 to 1.</summary>
    HitRatio = 0,

    /// <summary>Entries evicted for the budget or a quota, per minute over the window.</summary>
    CapacityEvictionsPerMinute = 1,

    /// <summary>Bytes held over the budget, from 0 to 1, at the latest snapshot.</summary>
    MemoryUsage = 2,

    /// <summary>Failed loads over all loads in the window, from 0 to 1.</summary>
    LoadFailureRatio = 3,

    /// <summary>The mean load duration in the window, in seconds.</summary>
    AverageLoadSeconds = 4,
}

/// <summary>On which side of its threshold an alert fires.</summary>
public enum AlertComparison
{
    /// <summary>Fires when the metric is above the threshold.</summary>
    Above = 0,

    /// <summary>Fires when the metric is below the threshold.</summary>
    Below = 1,
}
