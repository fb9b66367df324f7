namespace FileCache.HitRate;

/// <summary>One capacity of one trace: both policies' hits over the same requests, and the published LRU number if any.</summary>
internal sealed record CapacityResult(int Capacity, HitCount Lru, HitCount FileCache, PublishedRatio? PublishedLru, string? FileCacheInconsistency)
{
    /// <summary>FileCache minus strict LRU, in hundredths of a point, rounded exactly.</summary>
    public long DeltaHundredths => HitCount.RoundHalfAwayFromZero((FileCache.Hits - Lru.Hits) * 10_000, Lru.Requests);

    /// <summary>True when there is no published LRU number, or the strict LRU reproduces it.</summary>
    public bool LruMatchesPublished => PublishedLru is null || PublishedLru.IsReproducedBy(Lru);

    /// <summary>Is FileCache at most <see cref="Simulator.MaxShortfallPoints"/> below strict LRU? Exact, on hit counts.</summary>
    public bool FileCacheWithinTolerance => (Lru.Hits - FileCache.Hits) * 100 <= Lru.Requests * Simulator.MaxShortfallPoints;
}

internal sealed record TraceResult(string Name, int Requests, int UniqueKeys, IReadOnlyList<CapacityResult> Rows);

/// <summary>Chooses capacities per trace and replays each through strict LRU and FileCache.</summary>
internal static class Simulator
{
    /// <summary>How far (points of hit ratio) FileCache may fall below strict LRU.</summary>
    public const int MaxShortfallPoints = 1;

    private static readonly int[] FallbackDivisors = [16, 8, 4, 2, 1];

    /// <summary>Capacities for traces without published numbers, spanning small to large against each trace's unique keys.</summary>
    private static readonly Dictionary<string, int[]> KnownCapacities = new(StringComparer.OrdinalIgnoreCase)
    {
        ["cpp"] = [50, 100, 200, 400, 800],                 // 1,223 unique keys
        ["sprite"] = [100, 250, 500, 1000, 2000],           // 7,075
        ["multi2"] = [250, 500, 1000, 2000, 3000],          // 5,684
        ["2_pools"] = [500, 1000, 2000, 4000],              // 9,939
        ["loop"] = [256, 512, 1000, 1024, 1100],            // 1,011: either side of the loop length
    };

    /// <summary>
    /// The published sizes when the CSV has rows for the trace (exactly those), else the known sizes for it, else
    /// 1/16, 1/8, 1/4, 1/2 and all of its unique keys.
    /// </summary>
    public static IReadOnlyList<int> CapacitiesFor(AccessTrace trace, IEnumerable<PublishedRatio> published)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var fromCsv = published.Where(p => PublishedRatios.Names(p.Trace, trace.Name)).Select(p => p.Capacity).Distinct().Order().ToList();
        if (fromCsv.Count > 0)
        {
            return fromCsv;
        }

        if (KnownCapacities.TryGetValue(trace.Name, out int[]? known))
        {
            return known;
        }

        return FallbackDivisors.Select(d => Math.Max(1, trace.UniqueKeys / d)).Distinct().ToList();
    }

    public static CapacityResult RunCapacity(AccessTrace trace, int capacity, IEnumerable<PublishedRatio> published)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var lru = StrictLru.Replay(trace.Requests, capacity);
        var fileCache = FileCacheReplay.Run(trace, capacity);
        var publishedLru = published.FirstOrDefault(p => p.Policy == PublishedRatios.LruPolicy && p.Capacity == capacity && PublishedRatios.Names(p.Trace, trace.Name));
        return new CapacityResult(capacity, lru, fileCache.Count, publishedLru, fileCache.Inconsistency(capacity));
    }

    public static TraceResult RunTrace(AccessTrace trace, IReadOnlyList<PublishedRatio> published, IReadOnlyList<int>? capacities = null)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var rows = (capacities ?? CapacitiesFor(trace, published)).Select(c => RunCapacity(trace, c, published)).ToList();
        return new TraceResult(trace.Name, trace.Length, trace.UniqueKeys, rows);
    }
}
