using FileCache.Invalidation;
using FileCache.Monitoring;
using FileCache.Statistics;
using FileCache.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FileCache.AspNetCore.Internal;

/// <summary>
/// Every read of the core's statistics, monitor and watcher state that this package makes, in one place: when the
/// core's API changes, this is the only file to re-map. Everything else in the package works on the plain
/// <see cref="CacheView"/> it returns.
/// </summary>
internal sealed class CacheReader
{
    private readonly IFileCache _cache;

    public CacheReader(IFileCache cache, CacheMonitor monitor)
    {
        _cache = cache;
        Monitor = monitor;
    }

    public CacheMonitor Monitor { get; }

    /// <summary>Builds the reader from DI: the cache and its monitor.</summary>
    public static CacheReader Create(IServiceProvider services)
    {
        var cache = services.GetRequiredService<IFileCache>();
        return new(cache, cache.Monitor);
    }

    public IReadOnlyCollection<string> Projects => _cache.Projects;

    /// <summary>Reads the counters, budgets, latencies and watcher states now.</summary>
    public CacheView Read()
    {
        var stats = _cache.GetStatistics();
        var memory = stats.Memory;
        var inv = stats.Invalidation;
        var byCause = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var cause in Enum.GetValues<InvalidationCause>())
        {
            byCause[Camel(cause.ToString())] = inv?.GetCount(cause) ?? 0;
        }

        var projects = stats.Projects
            .Select(p => new ProjectView(p.Key, ToCounters(p.Value), WatchState(p.Key)))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToArray();
        return new CacheView(
            ToCounters(stats.Total),
            memory.ConfiguredBudgetBytes,
            memory.EffectiveBudgetBytes,
            memory.MemoryLoadRatio,
            ToLatency(Monitor.GetLatency(CacheOperation.Hit)),
            ToLatency(Monitor.GetLatency(CacheOperation.Load)),
            byCause,
            inv is null ? default : new InvalidationView(inv.Requests, inv.WatcherOverflows, inv.PollingFallbacks, inv.StormsCollapsed, inv.StaleServed, inv.Vetoes),
            projects);
    }

    /// <summary>The hot keys as (project, key text, estimated hits), hottest first.</summary>
    public IReadOnlyList<(string Project, string Key, long EstimatedHits)> HotKeys(int count) =>
        Monitor.GetHotKeys(null, count).Select(h => (h.Key.Project, h.Key.ToString(), h.EstimatedHits)).ToArray();

    /// <summary>The history snapshots as plain points, oldest first.</summary>
    public IReadOnlyList<HistoryPoint> History() =>
        Monitor.GetHistory().Select(s => new HistoryPoint(s.At, ToCounters(s.Counters), s.BudgetBytes)).ToArray();

    public IReadOnlyList<AlertView> ActiveAlerts() => Monitor.ActiveAlerts.Select(ToAlert).ToArray();

    public IReadOnlyList<RuleView> Rules() => Monitor.Rules.Select(ToRule).ToArray();

    public RuleView UpdateRule(string name, double threshold, double? resolveThreshold) => ToRule(Monitor.UpdateRule(name, threshold, resolveThreshold));

    public IReadOnlyList<RecommendationView> Recommendations() =>
        Monitor.GetRecommendations().Select(r => new RecommendationView(r.Code, r.Advice, r.Evidence)).ToArray();

    /// <summary>Calls <paramref name="handler"/> with each alert raised (true) or resolved (false); dispose to stop.</summary>
    public IDisposable SubscribeAlerts(Action<AlertView, bool> handler)
    {
        EventHandler<CacheAlertEventArgs> raised = (_, e) => handler(ToAlert(e.Alert), true);
        EventHandler<CacheAlertEventArgs> resolved = (_, e) => handler(ToAlert(e.Alert), false);
        Monitor.AlertRaised += raised;
        Monitor.AlertResolved += resolved;
        return new Unsubscriber(() =>
        {
            Monitor.AlertRaised -= raised;
            Monitor.AlertResolved -= resolved;
        });
    }

    /// <summary>Takes a history snapshot now (which evaluates the alert rules).</summary>
    public void TakeSnapshot() => Monitor.TakeSnapshot();

    public int InvalidateProject(string project) => _cache.InvalidateProject(project);

    private static AlertView ToAlert(CacheAlert a) => new(a.RuleName, a.Metric.ToString(), a.Value, a.Threshold, a.RaisedAt, a.ResolvedAt);

    private static RuleView ToRule(AlertRule r) => new(
        r.Name, r.Metric.ToString(), r.Comparison == AlertComparison.Below ? "below" : "above", r.Threshold, r.ResolveThreshold, r.Window, r.Duration, r.MinimumEvents);

    private static LatencyView ToLatency(LatencySummary l) => new(l.Count, l.P50.TotalMilliseconds, l.P90.TotalMilliseconds, l.P99.TotalMilliseconds, l.Max.TotalMilliseconds, l.Mean.TotalMilliseconds);

    private static CounterView ToCounters(CacheCounters c) => new(
        c.Hits, c.Misses, c.Loads, c.LoadFailures, c.Rejected, c.Invalidations, c.Entries, c.Bytes,
        new EvictionView(c.Evictions.Capacity, c.Evictions.Expired, c.Evictions.Removed, c.Evictions.Replaced, c.Evictions.Invalidated));

    /// <summary>"watching", "polling" or "none": read from the engine's watcher (internal) until the core exposes it.</summary>
    private string WatchState(string project)
    {
        if (_cache is not DefaultFileCache engine)
        {
            return "unknown";
        }

        try
        {
            return engine.WatcherFor(project) switch
            {
                null => "none",
                { IsPolling: true } => "polling",
                _ => "watching",
            };
        }
        catch (ArgumentException)
        {
            return "none"; // removed meanwhile
        }
    }

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}

/// <summary>Durations of one operation, in milliseconds.</summary>
internal readonly record struct LatencyView(long Count, double P50, double P90, double P99, double Max, double Mean);

/// <summary>An alert raised (and perhaps resolved).</summary>
internal sealed record AlertView(string Rule, string Metric, double Value, double Threshold, DateTimeOffset RaisedAt, DateTimeOffset? ResolvedAt);

/// <summary>An alert rule as evaluated.</summary>
internal sealed record RuleView(string Name, string Metric, string Comparison, double Threshold, double? ResolveThreshold, TimeSpan Window, TimeSpan Duration, long MinimumEvents);

/// <summary>A recommendation with its evidence.</summary>
internal sealed record RecommendationView(string Code, string Advice, string Evidence);

/// <summary>Counters of the cache or one project.</summary>
internal readonly record struct CounterView(long Hits, long Misses, long Loads, long LoadFailures, long Rejected, long Invalidations, long Entries, long Bytes, EvictionView Evictions)
{
    public double HitRatio => Hits + Misses == 0 ? 0 : (double)Hits / (Hits + Misses);
}

/// <summary>Entries removed, by reason.</summary>
internal readonly record struct EvictionView(long Capacity, long Expired, long Removed, long Replaced, long Invalidated)
{
    public long Total => Capacity + Expired + Removed + Replaced + Invalidated;
}

/// <summary>Invalidation counters other than entries by cause.</summary>
internal readonly record struct InvalidationView(long Requests, long WatcherOverflows, long PollingFallbacks, long StormsCollapsed, long StaleServed, long Vetoes);

/// <summary>One project's counters and its watcher's state.</summary>
internal sealed record ProjectView(string Name, CounterView Counters, string Watch);

/// <summary>A history snapshot.</summary>
internal sealed record HistoryPoint(DateTimeOffset At, CounterView Counters, long BudgetBytes);

/// <summary>The cache as read at one moment.</summary>
internal sealed record CacheView(
    CounterView Total,
    long ConfiguredBudgetBytes,
    long EffectiveBudgetBytes,
    double MemoryLoadRatio,
    LatencyView HitLatency,
    LatencyView LoadLatency,
    IReadOnlyDictionary<string, long> InvalidatedByCause,
    InvalidationView Invalidation,
    IReadOnlyList<ProjectView> Projects);
