namespace FileCache.HitRate;

/// <summary>One capacity of one trace: both policies' hits over the same requests, and the published LRU number if any.</summary>
internal sealed record CapacityResult(int Capacity, HitCount Lru, HitCount FileCache, PublishedRatio? PublishedLru, string? FileCacheInconsistency)
{
    /// <summary>FileCache with <see cref="EvictionPolicy.TinyLfu"/> over the same requests.</summary>
    public HitCount TinyLfu { get; init; }

    /// <summary>BitFaster.Caching's ConcurrentLfu over the same requests.</summary>
    public HitCount BitFasterLfu { get; init; }

    /// <summary>Null when the TinyLFU cache's own counters agree with its replay.</summary>
    public string? TinyLfuInconsistency { get; init; }

    /// <summary>The published W-TinyLFU / ConcurrentLfu rows for this trace and capacity.</summary>
    public IReadOnlyList<PublishedRatio> PublishedLfu { get; init; } = [];

    /// <summary>The best published W-TinyLFU / ConcurrentLfu ratio, if any.</summary>
    public PublishedRatio? BestPublishedLfu => PublishedLfu.MaxBy(p => p.Percent);

    /// <summary>TinyLFU minus strict LRU, in hundredths of a point.</summary>
    public long TinyLfuDeltaHundredths => HitCount.RoundHalfAwayFromZero((TinyLfu.Hits - Lru.Hits) * 10_000, Lru.Requests);

    /// <summary>
    /// Is TinyLFU at most <see cref="Simulator.MaxShortfallPoints"/> below strict LRU? Exact, on hit counts. Where
    /// ConcurrentLfu (W-TinyLFU with the same hill climber) is itself more than that below strict LRU (a recency trace on
    /// which every adaptive window lags LRU), TinyLFU must instead be at least that far above ConcurrentLfu.
    /// </summary>
    public bool TinyLfuWithinTolerance => TinyLfu.Requests == 0 || (Lru.Hits - TinyLfu.Hits) * 100 <= Lru.Requests * Simulator.MaxShortfallPoints
        || (BitFasterLfu.Requests != 0 && (Lru.Hits - BitFasterLfu.Hits) * 100 > Lru.Requests * Simulator.MaxShortfallPoints && (TinyLfu.Hits - BitFasterLfu.Hits) * 100 >= Lru.Requests * Simulator.MaxShortfallPoints);

    /// <summary>Is TinyLFU at most <see cref="Simulator.MaxShortfallPoints"/> below BitFaster's ConcurrentLfu? Exact, on hit counts.</summary>
    public bool TinyLfuNearConcurrentLfu => BitFasterLfu.Requests == 0 || (BitFasterLfu.Hits - TinyLfu.Hits) * 100 <= BitFasterLfu.Requests * Simulator.MaxShortfallPoints;

    /// <summary>Is TinyLFU at least 20% (relative) above strict LRU, and above it at all? Exact, on hit counts.</summary>
    public bool TinyLfuBeatsLruBy20Percent => TinyLfu.Hits * 10 >= Lru.Hits * 12 && TinyLfu.Hits > Lru.Hits;

    /// <summary>Is TinyLFU within 1 point of the best published W-TinyLFU / ConcurrentLfu row (true when there is none)?</summary>
    public bool TinyLfuNearBestPublished => BestPublishedLfu is not { } best || (decimal)TinyLfu.Hits * 100 / TinyLfu.Requests >= best.Percent - Simulator.MaxShortfallPoints;

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

    /// <summary>The traces on which TinyLFU must beat strict LRU by 20% (relative) at their smaller capacities.</summary>
    public static readonly IReadOnlySet<string> FrequencyTraces = new HashSet<string>(["gli", "multi2", "OLTP", "loop"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The (trace, capacity) pairs at which TinyLFU must be within 1 point of the best published W-TinyLFU / ConcurrentLfu row.</summary>
    public static readonly IReadOnlyList<(string Trace, int Capacity)> PublishedLfuTargets = [("gli", 1000), ("OLTP", 1000), ("OLTP", 2000)];

    /// <summary>The smaller capacities of a trace: the lower half of its capacities (at least one).</summary>
    public static IEnumerable<int> SmallerCapacities(IReadOnlyList<int> capacities) => capacities.Order().Take(Math.Max(1, capacities.Count / 2));

    public static CapacityResult RunCapacity(AccessTrace trace, int capacity, IEnumerable<PublishedRatio> published)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var lru = StrictLru.Replay(trace.Requests, capacity);
        var fileCache = FileCacheReplay.Run(trace, capacity, EvictionPolicy.Clock);
        var tinyLfu = FileCacheReplay.Run(trace, capacity, EvictionPolicy.TinyLfu);
        var bitFaster = BitFasterLfuReplay.Run(trace, capacity);
        var forTrace = published.Where(p => p.Capacity == capacity && PublishedRatios.Names(p.Trace, trace.Name)).ToList();
        var publishedLru = forTrace.FirstOrDefault(p => p.Policy == PublishedRatios.LruPolicy);
        return new CapacityResult(capacity, lru, fileCache.Count, publishedLru, fileCache.Inconsistency(capacity))
        {
            TinyLfu = tinyLfu.Count,
            TinyLfuInconsistency = tinyLfu.Inconsistency(capacity),
            BitFasterLfu = bitFaster,
            PublishedLfu = forTrace.Where(p => PublishedRatios.IsLfu(p.Policy)).ToList(),
        };
    }

    public static TraceResult RunTrace(AccessTrace trace, IReadOnlyList<PublishedRatio> published, IReadOnlyList<int>? capacities = null)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var rows = (capacities ?? CapacitiesFor(trace, published)).Select(c => RunCapacity(trace, c, published)).ToList();
        return new TraceResult(trace.Name, trace.Length, trace.UniqueKeys, rows);
    }
}
