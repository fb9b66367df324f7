using System.Net;
using FileCache.Monitoring;
using FileCache.Statistics;
using FileCache.Telemetry;
using OpenTelemetry.Metrics;

namespace FileCache.Prometheus;

/// <summary>
/// Serves files through a FileCache and exposes its metrics at <c>/metrics</c> in the Prometheus text format
/// (OpenTelemetry's Prometheus exporter), what the <see cref="CacheMonitor"/> sees at <c>/monitor</c>, the live
/// dashboard at <c>/filecache</c> and a health check at <c>/health</c>.
/// </summary>
public static class SampleApp
{
    /// <summary>The default address: loopback only.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>The project the served files belong to.</summary>
    public const string Project = "site";

    /// <summary>The authorization policy the dashboard is mapped with.</summary>
    public const string DashboardPolicy = "filecache-dashboard";

    /// <summary>
    /// Builds the app. Arguments: <c>--urls</c> (default <see cref="DefaultUrl"/>), <c>--root</c> (the directory to serve;
    /// default the current directory), <c>--workload true</c> (read the files in the background, for the dashboard).
    /// </summary>
    /// <param name="args">Command-line arguments.</param>
    /// <returns>The app, not started.</returns>
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        string url = builder.Configuration["urls"] ?? DefaultUrl;
        var uri = new Uri(url);
        if (!uri.IsLoopback)
        {
            throw new ArgumentException($"The sample listens on loopback only; '{url}' is not a loopback address.", nameof(args));
        }

        builder.WebHost.UseUrls(url);
        string root = Path.GetFullPath(builder.Configuration["root"] ?? Directory.GetCurrentDirectory());

        builder.Services.AddFileCache(o =>
        {
            o.MaxBytes = 64L * 1024 * 1024;
            o.AddProject(Project, root);
            o.Statistics.HistoryInterval = TimeSpan.FromSeconds(10);
        }).AddDashboard();
        builder.Services.AddHealthChecks().AddFileCache();

        // The dashboard's policy: who may see keys, change alert rules and invalidate projects. Here, local users (the
        // sample listens on loopback only); in an application, a real policy such as RequireRole("ops").
        builder.Services.AddAuthorization(o => o.AddPolicy(DashboardPolicy, p => p.RequireAssertion(context =>
            context.Resource is HttpContext http && http.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip))));
        if (string.Equals(builder.Configuration["workload"], "true", StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddHostedService(sp => new SampleWorkload(sp.GetRequiredService<IFileCache>(), root));
        }

        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(FileCacheTelemetry.MeterName)
            .AddPrometheusExporter());

        var app = builder.Build();
        app.UseAuthorization();
        app.MapPrometheusScrapingEndpoint();
        app.MapFileCacheDashboard("/filecache").RequireAuthorization(DashboardPolicy);
        app.MapHealthChecks("/health");
        app.MapGet("/files/{**path}", ServeFile);
        app.MapGet("/monitor", (CacheMonitor monitor) => Results.Json(new MonitorView(
            monitor.GetLatency(CacheOperation.Hit),
            monitor.GetLatency(CacheOperation.Load),
            monitor.GetHotKeys(count: 10).Select(h => new HotKeyView(h.Key.ToString(), h.EstimatedHits)).ToArray(),
            monitor.ActiveAlerts.ToArray(),
            monitor.GetRecommendations().ToArray())));
        return app;
    }

    private static async Task<IResult> ServeFile(string path, IFileCache cache, CancellationToken cancellationToken)
    {
        try
        {
            var file = await cache.ReadAsync(Project, path, cancellationToken);
            return Results.Bytes(file.Content, "application/octet-stream");
        }
        catch (FileNotFoundException)
        {
            return Results.NotFound();
        }
        catch (ArgumentException)
        {
            return Results.BadRequest();
        }
    }

    private sealed record HotKeyView(string Key, long EstimatedHits);

    private sealed record MonitorView(LatencySummary Hits, LatencySummary Loads, HotKeyView[] HotKeys, CacheAlert[] Alerts, Recommendation[] Recommendations);
}
