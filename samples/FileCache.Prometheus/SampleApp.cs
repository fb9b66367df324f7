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
    /// <param name="configureCache">Further cache set-up (tests add a load stage with it).</param>
    /// <returns>The app, not started.</returns>
    public static WebApplication Create(string[] args, Action<FileCache.DependencyInjection.IFileCacheBuilder>? configureCache = null)
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

        var cacheBuilder = builder.Services.AddFileCache(o =>
        {
            o.MaxBytes = 64L * 1024 * 1024;
            o.AddProject(Project, root);
            o.Statistics.HistoryInterval = TimeSpan.FromSeconds(10);
        }).AddDashboard();
        configureCache?.Invoke(cacheBuilder);
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
        app.MapGet("/files/{**path}", (string path, IFileCache cache, IHostApplicationLifetime lifetime, CancellationToken requestAborted) => ServeFile(root, path, cache, lifetime, requestAborted));
        app.MapGet("/monitor", (CacheMonitor monitor) => Results.Json(new MonitorView(
            LatencyView.Of(monitor.GetLatency(CacheOperation.Hit)),
            LatencyView.Of(monitor.GetLatency(CacheOperation.Load)),
            monitor.GetHotKeys(count: 10).Select(h => new HotKeyView(h.Key.ToString(), h.EstimatedHits)).ToArray(),
            monitor.ActiveAlerts.ToArray(),
            monitor.GetRecommendations().ToArray())));
        return app;
    }

    /// <summary>
    /// Serves one file. Each exception <see cref="IFileCache.ReadAsync(string, string, CancellationToken)"/> documents
    /// maps to a status: a missing file or a directory 404, a path that escapes the root 400,
    /// a link out of the root or a denied read 403, a file that kept changing while read 409 (retry). The wait ends when
    /// the client goes away or the app stops, even if the read itself hangs, so a stuck read never delays shutdown.
    /// </summary>
    private static async Task<IResult> ServeFile(string root, string path, IFileCache cache, IHostApplicationLifetime lifetime, CancellationToken requestAborted)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lifetime.ApplicationStopping);
        try
        {
            // On the pool, so that a read stuck in a system call (a pipe with no writer) cannot hold this request's
            // thread; the wait is bounded by the tokens either way.
            var file = await Task.Run(() => cache.ReadAsync(Project, path, stop.Token).AsTask(), stop.Token).WaitAsync(stop.Token);
            return Results.Bytes(file.Content, "application/octet-stream");
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return Results.Problem("The server is stopping or the client went away.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        catch (FileNotFoundException)
        {
            return Results.NotFound();
        }
        catch (DirectoryNotFoundException)
        {
            return Results.NotFound();
        }
        catch (ArgumentException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest);
        }
        catch (UnauthorizedAccessException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status403Forbidden);
        }
        catch (IOException e) when (Directory.Exists(Path.Combine(root, path)))
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status404NotFound);
        }
        catch (IOException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status409Conflict);
        }
    }

    private sealed record HotKeyView(string Key, long EstimatedHits);

    /// <summary>A latency summary with each duration in a readable unit ("42 ns", "1.3 ms").</summary>
    private sealed record LatencyView(long Count, string P50, string P90, string P99, string Max, string Mean)
    {
        public static LatencyView Of(LatencySummary s) => new(s.Count, Readable(s.P50), Readable(s.P90), Readable(s.P99), Readable(s.Max), Readable(s.Mean));
    }

    /// <summary>A duration in the unit that keeps it between 1 and 1000: ns, µs, ms or s, with three significant digits.</summary>
    internal static string Readable(TimeSpan duration)
    {
        double seconds = duration.Ticks / (double)TimeSpan.TicksPerSecond;
        var (value, unit) = Math.Abs(seconds) switch
        {
            0 => (0.0, "s"),
            < 1e-6 => (seconds * 1e9, "ns"),
            < 1e-3 => (seconds * 1e6, "µs"),
            < 1 => (seconds * 1e3, "ms"),
            _ => (seconds, "s"),
        };
        return value.ToString(value >= 100 || value == 0 ? "0" : value >= 10 ? "0.#" : "0.##", System.Globalization.CultureInfo.InvariantCulture) + " " + unit;
    }

    private sealed record MonitorView(LatencyView Hits, LatencyView Loads, HotKeyView[] HotKeys, CacheAlert[] Alerts, Recommendation[] Recommendations);
}
