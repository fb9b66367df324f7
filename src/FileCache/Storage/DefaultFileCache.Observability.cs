using System.Runtime.CompilerServices;
using FileCache.Monitoring;
using FileCache.Telemetry;

namespace FileCache.Storage;

/// <summary>Statistics and telemetry: the engine's side of <see cref="CacheObserver"/> and <see cref="CacheMonitor"/>.</summary>
internal sealed partial class DefaultFileCache
{
    private readonly CacheObserver _observer;

    /// <summary>
    /// A hit is sampled when its scrambled number (per counter cell) is below this: 2^64 / <c>HitSampleRate</c>,
    /// or 0 when statistics are off, which nothing is below. The test costs the hit path a multiply, a compare and
    /// a branch that is almost never taken; the count itself is the hit counter's.
    /// </summary>
    private readonly ulong _hitSampleThreshold;

    /// <summary>Gets the cache's monitor.</summary>
    public CacheMonitor Monitor { get; }

    /// <summary>Gets the sink that features report to (invalidation causes, compression).</summary>
    internal CacheObserver Observer => _observer;

    internal bool IsDisposed => _disposed;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void SampleHit(Partition partition, CacheEntry entry, long hitNumber) => _observer.SampleHit(partition, entry, hitNumber);
}
