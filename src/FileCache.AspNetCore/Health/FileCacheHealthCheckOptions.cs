namespace FileCache.AspNetCore;

/// <summary>Thresholds of the FileCache health check (<c>AddFileCache</c> on <c>IHealthChecksBuilder</c>).</summary>
public sealed class FileCacheHealthCheckOptions
{
    /// <summary>Gets or sets the process's memory load (a fraction of the GC's high-load threshold) from which the cache is reported degraded.</summary>
    /// <value>Defaults to 0.9. From 0 to 10. The cache is also degraded while memory pressure holds its budget below <c>MaxBytes</c>. A cache full to its budget is normal and not degraded.</value>
    public double DegradedMemoryLoad { get; set; } = 0.9;

    /// <summary>Gets or sets the share of failed loads in <see cref="Window"/> from which the cache is reported unhealthy.</summary>
    /// <value>Defaults to 0.25. From 0 to 1.</value>
    public double UnhealthyLoadFailureRatio { get; set; } = 0.25;

    /// <summary>Gets or sets the fewest loads in <see cref="Window"/> for the failure ratio to count.</summary>
    /// <value>Defaults to 20. Not negative.</value>
    public long MinimumLoads { get; set; } = 20;

    /// <summary>Gets or sets the span looked back over for load failures and lost watcher events.</summary>
    /// <value>Defaults to 5 minutes. Positive.</value>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);
}
