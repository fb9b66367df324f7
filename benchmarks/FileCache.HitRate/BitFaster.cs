using BitFaster.Caching.Lfu;
using BitFaster.Caching.Scheduler;

namespace FileCache.HitRate;

/// <summary>
/// BitFaster.Caching's ConcurrentLfu (W-TinyLFU with hill climbing) in the same replay: one thread, maintenance on
/// the calling thread (ForegroundScheduler), so the run is deterministic and nothing is left in its buffers.
/// </summary>
internal static class BitFasterLfuReplay
{
    /// <summary>The smallest capacity ConcurrentLfu accepts (its window, probation and protected queues need one entry each).</summary>
    public const int MinCapacity = 3;

    public static HitCount Run(AccessTrace trace, int capacity)
    {
        ArgumentNullException.ThrowIfNull(trace);
        if (capacity < MinCapacity)
        {
            return default; // ConcurrentLfu refuses tiny capacities; the report shows n/a.
        }

        var cache = new ConcurrentLfu<int, int>(1, capacity, new ForegroundScheduler(), EqualityComparer<int>.Default);
        long hits = 0;
        foreach (int id in trace.Ids)
        {
            if (cache.TryGet(id, out _))
            {
                hits++;
            }
            else
            {
                cache.AddOrUpdate(id, id);
            }
        }

        return new HitCount(hits, trace.Length);
    }
}
