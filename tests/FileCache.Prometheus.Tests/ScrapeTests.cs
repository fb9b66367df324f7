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
