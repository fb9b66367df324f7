namespace FileCache;

/// <summary>Data of <see cref="IFileCache.MemoryAlert"/>: the process's memory load rose across an alert threshold.</summary>
public sealed class FileCacheMemoryAlertEventArgs : EventArgs
{
    /// <summary>Initializes a new instance of the <see cref="FileCacheMemoryAlertEventArgs"/> class.</summary>
    /// <param name="threshold">The threshold crossed, as a fraction of the GC's high-memory-load threshold.</param>
    /// <param name="memoryLoadRatio">The memory load measured, as a fraction of the GC's high-memory-load threshold.</param>
    /// <param name="effectiveBudgetBytes">The cache's byte budget in force after the measurement.</param>
    public FileCacheMemoryAlertEventArgs(double threshold, double memoryLoadRatio, long effectiveBudgetBytes)
    {
        Threshold = threshold;
        MemoryLoadRatio = memoryLoadRatio;
        EffectiveBudgetBytes = effectiveBudgetBytes;
    }

    /// <summary>Gets the threshold crossed, as a fraction of the GC's high-memory-load threshold.</summary>
    public double Threshold { get; }

    /// <summary>Gets the memory load measured, as a fraction of the GC's high-memory-load threshold.</summary>
    public double MemoryLoadRatio { get; }

    /// <summary>Gets the cache's byte budget in force after the measurement.</summary>
    public long EffectiveBudgetBytes { get; }
}
