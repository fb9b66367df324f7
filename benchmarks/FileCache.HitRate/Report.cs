using System.Globalization;
using System.Text;

namespace FileCache.HitRate;

/// <summary>The outcome of a run: every trace's rows, plus the published LRU rows no trace file could check.</summary>
internal sealed record SimulationRun(string TracesDescription, string Arguments, IReadOnlyList<TraceResult> Traces, IReadOnlyList<PublishedRatio> UncheckedPublishedLru)
{
    private IEnumerable<(TraceResult Trace, CapacityResult Row)> AllRows => Traces.SelectMany(t => t.Rows.Select(r => (t, r)));

    public int PublishedLruChecked => AllRows.Count(x => x.Row.PublishedLru is not null);

    public IReadOnlyList<(TraceResult Trace, CapacityResult Row)> LruMismatches => AllRows.Where(x => !x.Row.LruMatchesPublished).ToList();

    public IReadOnlyList<(TraceResult Trace, CapacityResult Row)> FileCacheShortfalls => AllRows.Where(x => !x.Row.FileCacheWithinTolerance).ToList();

    public IReadOnlyList<(TraceResult Trace, CapacityResult Row)> Inconsistencies => AllRows.Where(x => x.Row.FileCacheInconsistency is not null).ToList();

    public IReadOnlyList<(TraceResult Trace, CapacityResult Row)> TinyLfuShortfalls => AllRows.Where(x => !x.Row.TinyLfuWithinTolerance).ToList();

    public IReadOnlyList<(TraceResult Trace, CapacityResult Row)> TinyLfuBelowConcurrentLfu => AllRows.Where(x => !x.Row.TinyLfuNearConcurrentLfu).ToList();

    /// <summary>Frequency traces' smaller capacities at which TinyLFU is not 20% (relative) above strict LRU.</summary>
    public IReadOnlyList<(TraceResult Trace, CapacityResult Row)> TinyLfuNotBetter => Traces
        .Where(t => Simulator.FrequencyTraces.Contains(t.Name))
        .SelectMany(t => Simulator.SmallerCapacities(t.Rows.Select(r => r.Capacity).ToList()).Select(c => (t, t.Rows.First(r => r.Capacity == c))))
        .Where(x => !x.Item2.TinyLfuBeatsLruBy20Percent)
        .ToList();

    /// <summary>Target (trace, capacity) pairs at which TinyLFU is more than 1 point below the best published LFU row.</summary>
    public IReadOnlyList<(TraceResult Trace, CapacityResult Row)> TinyLfuBelowPublished => AllRows
        .Where(x => Simulator.PublishedLfuTargets.Any(t => PublishedRatios.Names(t.Trace, x.Trace.Name) && t.Capacity == x.Row.Capacity))
        .Where(x => !x.Row.TinyLfuNearBestPublished)
        .ToList();

    public IReadOnlyList<(TraceResult Trace, CapacityResult Row)> TinyLfuInconsistencies => AllRows.Where(x => x.Row.TinyLfuInconsistency is not null).ToList();

    public bool Passed => LruMismatches.Count == 0 && FileCacheShortfalls.Count == 0 && Inconsistencies.Count == 0 && UncheckedPublishedLru.Count == 0
        && TinyLfuShortfalls.Count == 0 && TinyLfuBelowConcurrentLfu.Count == 0 && TinyLfuNotBetter.Count == 0 && TinyLfuBelowPublished.Count == 0 && TinyLfuInconsistencies.Count == 0;
}

/// <summary>Renders a <see cref="SimulationRun"/> as markdown.</summary>
internal static class Report
{
    public static string Render(SimulationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var md = new StringBuilder();
        md.AppendLine("# FileCache hit-rate simulation");
        md.AppendLine();
        md.AppendLine("Reproduce with (from the repo root):");
        md.AppendLine();
        md.AppendLine("```");
        md.Append("dotnet run -c Release --project benchmarks/FileCache.HitRate --artifacts-path /tmp/art-hitrate --");
        md.AppendLine(run.Arguments.Length == 0 ? string.Empty : " " + run.Arguments);
        md.AppendLine("```");
        md.AppendLine();
        Line(md, $"Traces: {run.TracesDescription}, replayed top to bottom; each line is one read of that key, every object has size 1, hit ratio = hits / lines.");
        md.AppendLine();
        md.AppendLine("- **strict LRU**: the reference (dictionary + intrusive doubly linked list), evicting the least recently used key.");
        md.AppendLine("- **CLOCK** and **TinyLFU**: the real cache through its public API, with `EvictionPolicy.Clock` or `EvictionPolicy.TinyLfu`: `FileCacheFactory.Create(new FileCacheOptions { MaxBytes = capacity * (1 + per-entry overhead), EvictionPolicy = ... }.AddProject(\"trace\", null))`, one `CreateKey(\"trace\", key)` per distinct key, each line `TryGet<byte[]>`, and on a miss `Set(key, sharedEmptyArray, new FileCacheEntryOptions { Size = 1 })`; so the capacity is in entries.");
        md.AppendLine("- **BitFaster LFU**: BitFaster.Caching 2.6.1 `ConcurrentLfu<int, int>(1, capacity, new ForegroundScheduler(), ...)` (W-TinyLFU with hill climbing) replayed here: `TryGet`, on a miss `AddOrUpdate`.");
        md.AppendLine("- **Δ**: that policy minus strict LRU, in percentage points.");
        md.AppendLine("- **published**: rows of `published_hit_ratios.csv` for that trace and size: `LRU` (with **match**: strict LRU equals it to 2 decimals), and the best W-TinyLFU / ConcurrentLfu row (**pub. LFU**, with its policy).");
        Line(md, $"- Checks: strict LRU matches every published LRU row; CLOCK and TinyLFU are at most {Simulator.MaxShortfallPoints}.0 point below strict LRU at every capacity (TinyLFU: or, where ConcurrentLfu itself is more than that below strict LRU, at least that far above ConcurrentLfu); TinyLFU is at most {Simulator.MaxShortfallPoints}.0 point below ConcurrentLfu at every capacity; TinyLFU is at least 20% (relative) above strict LRU at the smaller half of the capacities of {string.Join(", ", Simulator.FrequencyTraces.Order(StringComparer.Ordinal))}; TinyLFU is within 1 point of the best published W-TinyLFU / ConcurrentLfu row at {string.Join(", ", Simulator.PublishedLfuTargets.Select(t => $"{t.Trace} @ {t.Capacity}"))}; the cache's own hit/miss counters agree with the replay.");

        foreach (var trace in run.Traces)
        {
            md.AppendLine();
            Line(md, $"## {trace.Name} ({trace.Requests:N0} requests, {trace.UniqueKeys:N0} unique keys)");
            md.AppendLine();
            md.AppendLine("| capacity | strict LRU % | CLOCK % | Δ | TinyLFU % | Δ | BitFaster LFU % | pub. LFU % | pub. LRU % | match |");
            md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|");
            foreach (var row in trace.Rows)
            {
                string delta = (row.DeltaHundredths > 0 ? "+" : string.Empty) + HitCount.FormatHundredths(row.DeltaHundredths);
                if (!row.FileCacheWithinTolerance)
                {
                    delta = $"**{delta}** (below tolerance)";
                }

                string tinyDelta = (row.TinyLfuDeltaHundredths > 0 ? "+" : string.Empty) + HitCount.FormatHundredths(row.TinyLfuDeltaHundredths);
                if (!row.TinyLfuWithinTolerance)
                {
                    tinyDelta = $"**{tinyDelta}** (below tolerance)";
                }

                string published = row.PublishedLru?.PercentText ?? string.Empty;
                string match = row.PublishedLru is null ? string.Empty : row.LruMatchesPublished ? "yes" : "**NO**";
                string lfu = row.BestPublishedLfu is { } best ? $"{best.PercentText} ({ShortPolicy(best.Policy)})" : string.Empty;
                Line(md, $"| {row.Capacity:N0} | {row.Lru.PercentText} | {row.FileCache.PercentText} | {delta} | {row.TinyLfu.PercentText} | {tinyDelta} | {(row.BitFasterLfu.Requests == 0 ? "n/a" : row.BitFasterLfu.PercentText)} | {lfu} | {published} | {match} |");
            }
        }

        md.AppendLine();
        md.AppendLine("## Checks");
        md.AppendLine();
        var mismatches = run.LruMismatches;
        Line(md, $"- Strict LRU reproduces the published LRU rows: {(mismatches.Count == 0 ? "yes" : "**NO**")}, {run.PublishedLruChecked - mismatches.Count} of {run.PublishedLruChecked} checked rows match.");
        foreach (var (trace, row) in mismatches)
        {
            Line(md, $"  - {trace.Name} @ {row.Capacity}: strict LRU {row.Lru.PercentText} % ({row.Lru.Hits} / {row.Lru.Requests}), published {row.PublishedLru!.PercentText} %");
        }

        foreach (var row in run.UncheckedPublishedLru)
        {
            Line(md, $"  - **unchecked**: published LRU row {row.Trace} @ {row.Capacity} ({row.PercentText} %) has no trace file or was not simulated");
        }

        int rows = run.Traces.Sum(t => t.Rows.Count);
        var shortfalls = run.FileCacheShortfalls;
        var worst = run.Traces.SelectMany(t => t.Rows.Select(r => (t, r))).MinBy(x => x.r.DeltaHundredths);
        string worstText = worst.r is null ? string.Empty : $" Lowest delta: {HitCount.FormatHundredths(worst.r.DeltaHundredths)} points ({worst.t.Name} @ {worst.r.Capacity}).";
        Line(md, $"- FileCache within {Simulator.MaxShortfallPoints}.0 point of strict LRU: {(shortfalls.Count == 0 ? "yes" : "**NO**")}, at {rows - shortfalls.Count} of {rows} capacities.{worstText}");
        foreach (var (trace, row) in shortfalls)
        {
            Line(md, $"  - {trace.Name} @ {row.Capacity}: FileCache {row.FileCache.PercentText} % vs strict LRU {row.Lru.PercentText} % ({HitCount.FormatHundredths(row.DeltaHundredths)} points)");
        }

        var tinyShortfalls = run.TinyLfuShortfalls;
        var tinyWorst = run.Traces.SelectMany(t => t.Rows.Select(r => (t, r))).MinBy(x => x.r.TinyLfuDeltaHundredths);
        string tinyWorstText = tinyWorst.r is null ? string.Empty : $" Lowest delta: {HitCount.FormatHundredths(tinyWorst.r.TinyLfuDeltaHundredths)} points ({tinyWorst.t.Name} @ {tinyWorst.r.Capacity}).";
        Line(md, $"- TinyLFU within {Simulator.MaxShortfallPoints}.0 point of strict LRU: {(tinyShortfalls.Count == 0 ? "yes" : "**NO**")}, at {rows - tinyShortfalls.Count} of {rows} capacities.{tinyWorstText}");
        foreach (var (trace, row) in tinyShortfalls)
        {
            Line(md, $"  - {trace.Name} @ {row.Capacity}: TinyLFU {row.TinyLfu.PercentText} % vs strict LRU {row.Lru.PercentText} %");
        }

        var belowBitFaster = run.TinyLfuBelowConcurrentLfu;
        var bitFasterWorst = run.Traces.SelectMany(t => t.Rows.Select(r => (t, r))).MinBy(x => x.r.TinyLfu.Hits * 10_000 / Math.Max(1, x.r.TinyLfu.Requests) - (x.r.BitFasterLfu.Hits * 10_000 / Math.Max(1, x.r.BitFasterLfu.Requests)));
        string bitFasterWorstText = bitFasterWorst.r is null ? string.Empty : $" Closest: {bitFasterWorst.t.Name} @ {bitFasterWorst.r.Capacity}, TinyLFU {bitFasterWorst.r.TinyLfu.PercentText} % vs ConcurrentLfu {bitFasterWorst.r.BitFasterLfu.PercentText} %.";
        Line(md, $"- TinyLFU at most {Simulator.MaxShortfallPoints}.0 point below BitFaster's ConcurrentLfu: {(belowBitFaster.Count == 0 ? "yes" : "**NO**")}, at {rows - belowBitFaster.Count} of {rows} capacities.{bitFasterWorstText}");
        foreach (var (trace, row) in belowBitFaster)
        {
            Line(md, $"  - {trace.Name} @ {row.Capacity}: TinyLFU {row.TinyLfu.PercentText} % vs ConcurrentLfu {row.BitFasterLfu.PercentText} %");
        }

        var notBetter = run.TinyLfuNotBetter;
        Line(md, $"- TinyLFU at least 20% above strict LRU at the smaller capacities of the frequency traces: {(notBetter.Count == 0 ? "yes" : "**NO**")}.");
        foreach (var (trace, row) in run.Traces.Where(t => Simulator.FrequencyTraces.Contains(t.Name)).SelectMany(t => Simulator.SmallerCapacities(t.Rows.Select(r => r.Capacity).ToList()).Select(c => (t, t.Rows.First(r => r.Capacity == c)))))
        {
            string ratio = row.Lru.Hits == 0 ? "LRU has no hits" : string.Create(CultureInfo.InvariantCulture, $"{(double)row.TinyLfu.Hits / row.Lru.Hits:F2}x");
            Line(md, $"  - {trace.Name} @ {row.Capacity}: TinyLFU {row.TinyLfu.PercentText} % vs strict LRU {row.Lru.PercentText} % ({ratio}){(row.TinyLfuBeatsLruBy20Percent ? string.Empty : " **NOT MET**")}");
        }

        var belowPublished = run.TinyLfuBelowPublished;
        Line(md, $"- TinyLFU within 1 point of the best published W-TinyLFU / ConcurrentLfu row at the target sizes: {(belowPublished.Count == 0 ? "yes" : "**NO**")}.");
        foreach (var (trace, row) in run.Traces.SelectMany(t => t.Rows.Select(r => (t, r))).Where(x => Simulator.PublishedLfuTargets.Any(p => PublishedRatios.Names(p.Trace, x.t.Name) && p.Capacity == x.r.Capacity)))
        {
            Line(md, $"  - {trace.Name} @ {row.Capacity}: TinyLFU {row.TinyLfu.PercentText} % vs {row.BestPublishedLfu?.PercentText} % ({row.BestPublishedLfu?.Policy}){(row.TinyLfuNearBestPublished ? string.Empty : " **NOT MET**")}");
        }

        var inconsistencies = run.Inconsistencies.Concat(run.TinyLfuInconsistencies).ToList();
        Line(md, $"- FileCache's statistics agree with the replay (hits, misses, no refused Set, entries within capacity): {(inconsistencies.Count == 0 ? "yes" : "**NO**")}.");
        foreach (var (trace, row) in inconsistencies)
        {
            Line(md, $"  - {trace.Name} @ {row.Capacity}: {row.FileCacheInconsistency ?? row.TinyLfuInconsistency}");
        }

        md.AppendLine();
        md.AppendLine(run.Passed ? "**Result: PASS**" : "**Result: FAIL**");
        return md.ToString();
    }

    private static string ShortPolicy(string policy) => policy.StartsWith("ConcurrentLfu", StringComparison.Ordinal) ? "ConcurrentLfu" : policy;

    private static void Line(StringBuilder md, FormattableString text) => md.AppendLine(text.ToString(CultureInfo.InvariantCulture));
}
