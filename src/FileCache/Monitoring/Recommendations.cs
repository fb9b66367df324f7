using System.Globalization;
using FileCache.Statistics;

namespace FileCache.Monitoring;

/// <summary>What the recommendations are computed from.</summary>
/// <param name="Now">The counters now.</param>
/// <param name="Since">The oldest snapshot kept, or null: rates are computed since it (else since start).</param>
/// <param name="Loads">Load durations.</param>
/// <param name="Sizes">Entry sizes.</param>
/// <param name="TopKey">The hottest key, if any.</param>
/// <param name="SampledHits">Hits represented by the hot-key samples.</param>
internal sealed record RecommendationInputs(StatisticsSnapshot Now, StatisticsSnapshot? Since, LatencySummary Loads, SizeDistribution Sizes, IReadOnlyList<HotKey> TopKey, long SampledHits);

/// <summary>Turns statistics into advice; every rule states the figures it used.</summary>
internal static class Recommendations
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static IReadOnlyList<Recommendation> Compute(RecommendationInputs input)
    {
        var result = new List<Recommendation>();
        var now = input.Now.Counters;
        var then = input.Since?.Counters ?? default;
        double minutes = input.Since is null ? 0 : (input.Now.At - input.Since.At).TotalMinutes;
        long hits = now.Hits - then.Hits;
        long requests = hits + (now.Misses - then.Misses);
        long capacity = now.Evictions.Capacity - then.Evictions.Capacity;
        long expired = now.Evictions.Expired - then.Evictions.Expired;
        long loads = now.Loads - then.Loads;
        long failures = now.LoadFailures - then.LoadFailures;
        double usage = input.Now.BudgetBytes == 0 ? 0 : (double)now.Bytes / input.Now.BudgetBytes;
        string span = minutes > 0 ? string.Create(Invariant, $"over the last {minutes:0.#} minute{(minutes == 1 ? string.Empty : "s")}") : "since start";
        string evictionRate = minutes > 0
            ? string.Create(Invariant, $"{capacity / minutes:N0} capacity evictions a minute")
            : string.Create(Invariant, $"{capacity:N0} capacity evictions");

        if (requests >= 100 && (double)hits / requests < 0.8 && capacity > 0 && capacity * 10 >= loads)
        {
            result.Add(new Recommendation(
                "raise-budget",
                "Raise MaxBytes (or enable the admission policy): entries are evicted for room and read again.",
                string.Create(Invariant, $"hit ratio {Pct((double)hits / requests)} with {evictionRate} {span}; {Pct(usage)} of the {Size(input.Now.BudgetBytes)} budget in use.")));
        }

        if (requests >= 100 && capacity == 0 && usage < 0.25 && now.Entries > 0)
        {
            result.Add(new Recommendation(
                "lower-budget",
                "MaxBytes could be lowered: the cache never needed to evict.",
                string.Create(Invariant, $"{Size(now.Bytes)} held of a {Size(input.Now.BudgetBytes)} budget ({Pct(usage)}), no capacity eviction {span}.")));
        }

        if (loads + failures >= 20 && (double)failures / (loads + failures) > 0.05)
        {
            result.Add(new Recommendation(
                "load-failures",
                "Look into failing loads (missing files, access errors, loader exceptions): nothing is cached for them, so every read retries.",
                string.Create(Invariant, $"{failures:N0} of {loads + failures:N0} loads failed ({Pct((double)failures / (loads + failures), 1)}) {span}.")));
        }

        if (input.Loads.Count >= 10 && input.Loads.P99 > TimeSpan.FromSeconds(1))
        {
            result.Add(new Recommendation(
                "slow-loads",
                "Loads are slow: warm the hot files at start-up, or check the disk or the loader.",
                string.Create(Invariant, $"load p99 {input.Loads.P99.TotalMilliseconds:N0} ms, p50 {input.Loads.P50.TotalMilliseconds:N0} ms over {input.Loads.Count:N0} loads.")));
        }

        if (loads >= 20 && expired * 4 > loads)
        {
            result.Add(new Recommendation(
                "lengthen-expiration",
                "Lengthen the expirations: many entries expire and are loaded again.",
                string.Create(Invariant, $"{expired:N0} entries expired against {loads:N0} loads {span}.")));
        }

        if (input.Sizes.Count >= 10 && input.Sizes.P99 * 10 > input.Now.BudgetBytes)
        {
            result.Add(new Recommendation(
                "large-entries",
                "Set MaxEntryBytes or a project quota: a few large entries take a large share of the budget.",
                string.Create(Invariant, $"p99 entry size {Size(input.Sizes.P99)} against a {Size(input.Now.BudgetBytes)} budget.")));
        }

        if (input.TopKey.Count > 0 && input.SampledHits >= 10_000 && input.TopKey[0].EstimatedHits * 5 > input.SampledHits)
        {
            var top = input.TopKey[0];
            result.Add(new Recommendation(
                "hot-key",
                "One key takes a large share of the reads: keep its prepared FileKey (CreateKey once) or hold the value directly.",
                string.Create(Invariant, $"{top.Key} has about {top.EstimatedHits:N0} of the last {input.SampledHits:N0} sampled hits.")));
        }

        return result;
    }

    private static string Pct(double ratio, int decimals = 0) => (ratio * 100).ToString(decimals == 0 ? "0" : "0.0", Invariant) + "%";

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => string.Create(Invariant, $"{bytes} B"),
        < 1024 * 1024 => string.Create(Invariant, $"{bytes / 1024.0:0.#} KiB"),
        < 1024L * 1024 * 1024 => string.Create(Invariant, $"{bytes / (1024.0 * 1024.0):0.#} MiB"),
        _ => string.Create(Invariant, $"{bytes / (1024.0 * 1024.0 * 1024.0):0.#} GiB"),
    };
}
