using FileCache.Eviction;

namespace FileCache.Tests.Eviction;

/// <summary>A memory source the test sets: the load as a fraction of the GC's high-load threshold.</summary>
internal sealed class FakeMemory : IMemoryInfoSource
{
    public double Ratio { get; set; } = 0.5;

    public MemorySnapshot Read() => new((long)(Ratio * 1_000_000), 1_000_000);
}
