using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using FileCache.Prometheus;
using Microsoft.AspNetCore.Builder;

namespace FileCache.Prometheus.Tests;

/// <summary>Starts the Prometheus sample on a loopback port, drives a workload through it and scrapes <c>/metrics</c>.</summary>
public sealed partial class ScrapeTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "filecache-prom-" + Guid.NewGuid().ToString("N"));
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        await File.WriteAllTextAsync(Path.Combine(_root, "index.html"), "<html>hello</html>");
        await File.WriteAllTextAsync(Path.Combine(_root, "app.js"), "console.log(1);");
        _app = SampleApp.Create(["--urls", "http://127.0.0.1:0", "--root", _root]);
        await _app.StartAsync();
        var address = _app.Urls.Single();
        Assert.StartsWith("http://127.0.0.1:", address, StringComparison.Ordinal);
        _http = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Metrics_AfterWorkload_ShowFileCacheSeriesWithExactCounts()
    {
        // 2 loads (misses), 3 hits, 1 missing file (a miss and a failed load).
        Assert.Equal("<html>hello</html>", await _http.GetStringAsync("/files/index.html"));
        Assert.Equal("<html>hello</html>", await _http.GetStringAsync("/files/index.html"));
        Assert.Equal("<html>hello</html>", await _http.GetStringAsync("/files/index.html"));
        Assert.Equal("console.log(1);", await _http.GetStringAsync("/files/app.js"));
        Assert.Equal("console.log(1);", await _http.GetStringAsync("/files/app.js"));
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/files/missing.txt")).StatusCode);

        string metrics = await _http.GetStringAsync("/metrics");

        Assert.Equal(3, Value(metrics, "filecache_requests_total", "result=\"hit\""));
        Assert.Equal(3, Value(metrics, "filecache_requests_total", "result=\"miss\""));
        Assert.Equal(2, Value(metrics, "filecache_loads_total"));
        Assert.Equal(1, Value(metrics, "filecache_load_failures_total"));
        Assert.Equal(2, Value(metrics, "filecache_entries"));
        Assert.Equal(64L * 1024 * 1024, Value(metrics, "filecache_budget_bytes"));
        Assert.True(Value(metrics, "filecache_bytes") > 0);
        Assert.Equal(0, Value(metrics, "filecache_evictions_total", "reason=\"capacity\""));
        Assert.Equal(2, Value(metrics, "filecache_load_duration_seconds_count", "outcome=\"success\""));
        Assert.Equal(1, Value(metrics, "filecache_load_duration_seconds_count", "outcome=\"failure\""));
        Assert.Contains("# TYPE filecache_requests_total counter", metrics, StringComparison.Ordinal);
        Assert.Contains("# TYPE filecache_load_duration_seconds histogram", metrics, StringComparison.Ordinal);

        // The monitor endpoint reports the same workload: 3 measured loads, the hottest key first.
        using var monitor = System.Text.Json.JsonDocument.Parse(await _http.GetStringAsync("/monitor"));
        Assert.Equal(3, monitor.RootElement.GetProperty("loads").GetProperty("count").GetInt64());
        Assert.Equal(JsonValueKindArray, monitor.RootElement.GetProperty("hotKeys").ValueKind);
    }

    [Fact]
    public async Task DurationHistograms_AfterARealWorkload_SpreadOverSeveralBuckets()
    {
        // Files from 1 KiB to 4 MiB: loads take from microseconds to milliseconds; then many hits.
        for (int i = 0; i < 12; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(_root, $"f{i}.bin"), new byte[1024 << i]);
        }

        for (int round = 0; round < 200; round++)
        {
            for (int i = 0; i < 12; i++)
            {
                using var response = await _http.GetAsync(new Uri($"/files/f{i}.bin", UriKind.Relative));
                response.EnsureSuccessStatusCode();
            }
        }

        string metrics = await _http.GetStringAsync("/metrics");
        foreach (string histogram in new[] { "filecache_load_duration_seconds", "filecache_hit_duration_seconds" })
        {
            var buckets = Buckets(metrics, histogram);
            long count = buckets[^1].Cumulative; // +Inf holds everything
            Assert.True(count > 0, $"{histogram}: nothing recorded");

            // Not one bucket holding everything, as with the exporter's default boundaries (0, 5, 10 ... seconds).
            Assert.True(buckets.Count(b => !double.IsPositiveInfinity(b.UpperBound)) >= 10, $"{histogram}: fewer than 10 finite boundaries");
            if (histogram.Contains("hit", StringComparison.Ordinal))
            {
                continue; // hits are timed one in HitSampleRate: too few here to judge their spread (the boundaries are checked)
            }

            int nonEmpty = buckets.Select((b, i) => b.Cumulative - (i == 0 ? 0 : buckets[i - 1].Cumulative)).Count(n => n > 0);
            Assert.True(nonEmpty > 1, $"{histogram}: all {count} values in one bucket:\n{string.Join("\n", buckets)}");

            // Percentiles read from the buckets are plausible: a hit well under a millisecond, a load under a second.
            double p50 = Percentile(buckets, 0.50), p99 = Percentile(buckets, 0.99);
            double ceiling = histogram.Contains("hit", StringComparison.Ordinal) ? 1e-3 : 1;
            Assert.InRange(p50, 1e-9, ceiling);
            Assert.InRange(p99, p50, ceiling * 10);
        }
    }

    /// <summary>The buckets of a histogram (all label sets summed), in order of their upper bounds.</summary>
    private static List<(double UpperBound, long Cumulative)> Buckets(string metrics, string name)
    {
        var sums = new SortedDictionary<double, long>();
        foreach (Match match in BucketLine().Matches(metrics))
        {
            if (match.Groups["name"].Value != name)
            {
                continue;
            }

            string le = match.Groups["le"].Value;
            double bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
            sums[bound] = sums.GetValueOrDefault(bound) + (long)double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        }

        Assert.True(sums.Count > 0, $"no {name}_bucket series in:\n{metrics}");
        return sums.Select(kv => (kv.Key, kv.Value)).ToList();
    }

    /// <summary>The upper bound of the bucket that holds the <paramref name="quantile"/> (what a dashboard reads, to a bucket).</summary>
    private static double Percentile(List<(double UpperBound, long Cumulative)> buckets, double quantile)
    {
        long rank = (long)Math.Ceiling(quantile * buckets[^1].Cumulative);
        var bucket = buckets.First(b => b.Cumulative >= rank);
        return double.IsPositiveInfinity(bucket.UpperBound) ? buckets[^2].UpperBound * 10 : bucket.UpperBound;
    }

    [GeneratedRegex(@"^(?<name>[a-z_]+)_bucket\{(?:[^}]*,)?le=""(?<le>[^""]+)""[^}]*\} (?<value>[0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex BucketLine();

    private const System.Text.Json.JsonValueKind JsonValueKindArray = System.Text.Json.JsonValueKind.Array;

    [Fact]
    public async Task Dashboard_QueriesOnlySeriesTheSampleExports()
    {
        await _http.GetStringAsync("/files/index.html");
        await _http.GetStringAsync("/files/index.html");
        string metrics = await _http.GetStringAsync("/metrics");
        var exported = SeriesName().Matches(metrics).Select(m => m.Groups[1].Value).ToHashSet();

        string dashboard = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "grafana-dashboard.json"));
        var queried = MetricInQuery().Matches(dashboard).Select(m => m.Value).ToHashSet();
        Assert.NotEmpty(queried);
        foreach (string name in queried)
        {
            Assert.True(exported.Contains(name), $"The dashboard queries {name}, which /metrics does not export. Exported: {string.Join(", ", exported)}");
        }
    }

    /// <summary>The value of the first sample of <paramref name="name"/> whose labels contain <paramref name="label"/>.</summary>
    private static double Value(string metrics, string name, string? label = null)
    {
        foreach (string line in metrics.Split('\n'))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || (line[name.Length] != ' ' && line[name.Length] != '{'))
            {
                continue;
            }

            int labelsEnd = line[name.Length] == '{' ? line.IndexOf('}', StringComparison.Ordinal) : name.Length - 1;
            string labels = line[name.Length..(labelsEnd + 1)];
            if (label is not null && !labels.Contains(label, StringComparison.Ordinal))
            {
                continue;
            }

            // "name{labels} value [timestamp]"
            string value = line[(labelsEnd + 1)..].Trim().Split(' ')[0];
            return double.Parse(value, CultureInfo.InvariantCulture);
        }

        throw new Xunit.Sdk.XunitException($"No sample of {name} {label} in:\n{metrics}");
    }

    [GeneratedRegex(@"^([a-z_]+)(?:\{| )", RegexOptions.Multiline)]
    private static partial Regex SeriesName();

    [GeneratedRegex(@"filecache_[a-z_]+")]
    private static partial Regex MetricInQuery();
}
