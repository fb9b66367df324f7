namespace FileCache.Eviction;

/// <summary>How much memory the process uses against the point where the GC considers the load high.</summary>
/// <param name="MemoryLoadBytes">The memory in use (of the machine, or of the container when limited).</param>
/// <param name="HighLoadThresholdBytes">The load at which the GC starts collecting aggressively.</param>
internal readonly record struct MemorySnapshot(long MemoryLoadBytes, long HighLoadThresholdBytes)
{
    /// <summary>Load against the high-load threshold: 1.0 means at the threshold.</summary>
    public double Ratio => HighLoadThresholdBytes <= 0 ? 0 : (double)MemoryLoadBytes / HighLoadThresholdBytes;
}

/// <summary>Where the memory-pressure check reads the process's memory load; tests substitute a fake.</summary>
internal interface IMemoryInfoSource
{
    MemorySnapshot Read();
}

/// <summary>
/// The GC's view after its last collection: <see cref="GCMemoryInfo.MemoryLoadBytes"/> against
/// <see cref="GCMemoryInfo.HighMemoryLoadThresholdBytes"/>. Both honour container limits (cgroups, job objects)
/// and <c>GCHeapHardLimit</c>, so a cache in a 512 MiB container sees that container's limit.
/// </summary>
internal sealed class GcMemoryInfoSource : IMemoryInfoSource
{
    public static GcMemoryInfoSource Instance { get; } = new();

    public MemorySnapshot Read()
    {
        var info = GC.GetGCMemoryInfo();
        return new MemorySnapshot(info.MemoryLoadBytes, info.HighMemoryLoadThresholdBytes);
    }
}
