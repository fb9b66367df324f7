namespace FileCache.Eviction;

/// <summary>
/// Options of the cache's reaction to memory pressure (<see cref="FileCacheOptions.Memory"/>): how the budget in force
/// shrinks while the process is short of memory, and when <see cref="IFileCache.MemoryAlert"/> is raised.
/// </summary>
public sealed class FileCacheMemoryOptions
{
    /// <summary>Gets or sets whether the budget in force shrinks while the process is short of memory.</summary>
    /// <value>
    /// Defaults to <see langword="true"/>: every <see cref="CheckInterval"/> the cache reads the GC's memory load
    /// (which honours container limits) and, above <see cref="PressureThreshold"/>, lowers its budget (evicting down
    /// to it) as far as <see cref="MinBudgetFraction"/>; it restores the budget as the load eases.
    /// </value>
    public bool AdaptToPressure { get; set; } = true;

    /// <summary>Gets or sets how often the memory load is checked.</summary>
    /// <value>Defaults to 5 seconds. Must be positive.</value>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the memory load, as a fraction of the GC's high-memory-load threshold, from which the budget shrinks.</summary>
    /// <value>Defaults to 0.85. Must be greater than 0 and at most 1. At 1.0 (the GC's threshold) and above, the budget is at its minimum.</value>
    public double PressureThreshold { get; set; } = 0.85;

    /// <summary>Gets or sets the smallest fraction of <see cref="FileCacheOptions.MaxBytes"/> the budget shrinks to under memory pressure.</summary>
    /// <value>Defaults to 0.25. Must be greater than 0 and at most 1 (1 turns shrinking off but keeps the alerts).</value>
    public double MinBudgetFraction { get; set; } = 0.25;

    /// <summary>Gets the memory loads, as fractions of the GC's high-memory-load threshold, at which <see cref="IFileCache.MemoryAlert"/> is raised.</summary>
    /// <value>Defaults to 0.9 and 1.0. Each must be positive. An alert fires when the load rises across a threshold; it re-arms when the load falls back below.</value>
    public IList<double> AlertThresholds { get; } = new List<double> { 0.9, 1.0 };
}
