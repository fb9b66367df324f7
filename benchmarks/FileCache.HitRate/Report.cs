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

    public bool Passed => LruMismatches.Count == 0 && FileCacheShortfalls.Count == 0 && Inconsistencies.Count == 0 && UncheckedPublishedLru.Count == 0;
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
        Line(md, $"Traces: every `*.txt` in {run.TracesDescription}, replayed top to bottom; each line is one read of that key, every object has size 1, hit ratio = hits / lines.");
        md.AppendLine();
        md.AppendLine("- **strict LRU**: the reference (dictionary + intrusive doubly linked list), evicting the least recently used key.");
        md.AppendLine("- **FileCache**: the real cache through its public API: `FileCacheFactory.Create(new FileCacheOptions { MaxBytes = capacity }.AddProject(\"trace\", null))`, one `CreateKey(\"trace\", key)` per distinct key, each line `TryGet<byte[]>`, and on a miss `Set(key, sharedEmptyArray, new FileCacheEntryOptions { Size = 1 })`; so the capacity is in entries and eviction is FileCache's CLOCK.");
        md.AppendLine("- **delta**: FileCache minus strict LRU, in percentage points.");
        md.AppendLine("- **published LRU**: the `LRU` row of `published_hit_ratios.csv` for that trace and size; **match**: strict LRU equals it to 2 decimals (half away from zero).");
        Line(md, $"- Checks: strict LRU must match every published LRU row; FileCache must be at most {Simulator.MaxShortfallPoints}.0 point below strict LRU at every capacity; FileCache's own hit/miss counters must agree with the replay.");

        foreach (var trace in run.Traces)
        {
            md.AppendLine();
            Line(md, $"## {trace.Name} ({trace.Requests:N0} requests, {trace.UniqueKeys:N0} unique keys)");
            md.AppendLine();
            md.AppendLine("| capacity | strict LRU % | FileCache % | delta (points) | published LRU % | match |");
            md.AppendLine("|---:|---:|---:|---:|---:|:---:|");
            foreach (var row in trace.Rows)
            {
                string delta = (row.DeltaHundredths > 0 ? "+" : string.Empty) + HitCount.FormatHundredths(row.DeltaHundredths);
                if (!row.FileCacheWithinTolerance)
                {
                    delta = $"**{delta}** (below tolerance)";
                }

                string published = row.PublishedLru?.PercentText ?? string.Empty;
                string match = row.PublishedLru is null ? string.Empty : row.LruMatchesPublished ? "yes" : "**NO**";
                Line(md, $"| {row.Capacity:N0} | {row.Lru.PercentText} | {row.FileCache.PercentText} | {delta} | {published} | {match} |");
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

        var inconsistencies = run.Inconsistencies;
        Line(md, $"- FileCache's statistics agree with the replay (hits, misses, no refused Set, entries within capacity): {(inconsistencies.Count == 0 ? "yes" : "**NO**")}.");
        foreach (var (trace, row) in inconsistencies)
        {
            Line(md, $"  - {trace.Name} @ {row.Capacity}: {row.FileCacheInconsistency}");
        }

        md.AppendLine();
        md.AppendLine(run.Passed ? "**Result: PASS**" : "**Result: FAIL**");
        return md.ToString();
    }

    private static void Line(StringBuilder md, FormattableString text) => md.AppendLine(text.ToString(CultureInfo.InvariantCulture));
}
