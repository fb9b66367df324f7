namespace FileCache.Monitoring;

/// <summary>The alert rules evaluated when <see cref="FileCacheMonitorOptions.UseBuiltInRules"/> is set.</summary>
public static class BuiltInAlertRules
{
    /// <summary>The name of the rule that fires when the hit ratio over 5 minutes stays below 50% (resolves above 60%).</summary>
    public const string LowHitRatio = "low-hit-ratio";

    /// <summary>The name of the rule that fires when more than 1,000 entries a minute are evicted for capacity (resolves below 500).</summary>
    public const string HighEvictionRate = "high-eviction-rate";

    /// <summary>The name of the rule that fires when more than 95% of the budget is in use (resolves below 90%).</summary>
    public const string MemoryNearBudget = "memory-near-budget";

    /// <summary>The name of the rule that fires when more than 5% of loads fail over 5 minutes (resolves below 2%).</summary>
    public const string LoadFailureRate = "load-failure-rate";

    /// <summary>The name of the rule that fires when loads take more than 1 second on average over 5 minutes (resolves below 0.5).</summary>
    public const string SlowLoads = "slow-loads";

    /// <summary>Returns new instances of every built-in rule.</summary>
    /// <returns>The rules.</returns>
    public static IReadOnlyList<AlertRule> All() =>
    [
        new AlertRule { Name = LowHitRatio, Metric = AlertMetric.HitRatio, Comparison = AlertComparison.Below, Threshold = 0.5, ResolveThreshold = 0.6, Window = TimeSpan.FromMinutes(5), Duration = TimeSpan.FromMinutes(5), MinimumEvents = 100 },
        new AlertRule { Name = HighEvictionRate, Metric = AlertMetric.CapacityEvictionsPerMinute, Comparison = AlertComparison.Above, Threshold = 1000, ResolveThreshold = 500, Window = TimeSpan.FromMinutes(1), Duration = TimeSpan.FromMinutes(2) },
        new AlertRule { Name = MemoryNearBudget, Metric = AlertMetric.MemoryUsage, Comparison = AlertComparison.Above, Threshold = 0.95, ResolveThreshold = 0.9, Window = TimeSpan.Zero, Duration = TimeSpan.FromMinutes(1) },
        new AlertRule { Name = LoadFailureRate, Metric = AlertMetric.LoadFailureRatio, Comparison = AlertComparison.Above, Threshold = 0.05, ResolveThreshold = 0.02, Window = TimeSpan.FromMinutes(5), Duration = TimeSpan.FromMinutes(1), MinimumEvents = 20 },
        new AlertRule { Name = SlowLoads, Metric = AlertMetric.AverageLoadSeconds, Comparison = AlertComparison.Above, Threshold = 1.0, ResolveThreshold = 0.5, Window = TimeSpan.FromMinutes(5), Duration = TimeSpan.FromMinutes(1), MinimumEvents = 10 },
    ];
}
