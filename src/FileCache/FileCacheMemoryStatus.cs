namespace FileCache;

/// <summary>The cache's budget under memory pressure, as of the last memory check.</summary>
/// <param name="ConfiguredBudgetBytes">The configured byte budget (<see cref="FileCacheOptions.MaxBytes"/>).</param>
/// <param name="EffectiveBudgetBytes">The budget in force: lower than the configured one while memory is short.</param>
/// <param name="MemoryLoadRatio">The process's memory load at the last check, as a fraction of the GC's high-memory-load threshold.</param>
/// <param name="AlertsRaised">How many memory alerts were raised so far.</param>
public readonly record struct FileCacheMemoryStatus(long ConfiguredBudgetBytes, long EffectiveBudgetBytes, double MemoryLoadRatio, long AlertsRaised);
