using FileCache.AspNetCore.Internal;
using FileCache.Cluster;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FileCache.AspNetCore.Dashboard;

/// <summary>Builds the JSON the page shows. Nothing here runs unless a viewer asks: no timer, no subscription on the hit path.</summary>
internal static class DashboardApi
{
    /// <summary>How long the cluster provider may take before the panel shows an error instead.</summary>
    private static readonly TimeSpan ClusterTimeout = TimeSpan.FromSeconds(2);

    public static bool TryParseWindow(string? text, out string window, out TimeSpan? span)
    {
        (window, span) = (text ?? "5m") switch
        {
            "5m" => ("5m", TimeSpan.FromMinutes(5)),
            "1h" => ("1h", TimeSpan.FromHours(1)),
            "all" => ("all", (TimeSpan?)null),
            _ => (string.Empty, null),
        };
        return window.Length > 0;
    }

    public static IResult BadWindow() =>
        Results.Problem("window must be 5m, 1h or all.", statusCode: StatusCodes.Status400BadRequest);

    public static async Task<SummaryDto> SummaryAsync(HttpContext context, DashboardState state, TimeProvider time, string window, TimeSpan? span)
    {
        bool authorized = DashboardAccess.IsAuthorizedViewer(context);
        var reader = state.Reader;
        var view = reader.Read();
        var hot = reader.HotKeys(state.Options.HotKeyCount);
        var hotKeys = hot
            .Select(h => new HotKeyDto(h.Project, authorized ? h.Key : DashboardAccess.Redact(h.Project, h.Key), h.EstimatedHits, !authorized))
            .ToArray();
        var recommendations = reader.Recommendations();
        if (!authorized)
        {
            // Evidence may quote a key (the hot-key advice does): redact every key the viewer may not see.
            // The hot-key advice names a key; if it is not among the keys read above (the tables moved meanwhile), hide it all.
            recommendations = recommendations.Select(r => r with { Evidence = RedactKeys(r, hot) }).ToArray();
        }

        var budget = new BudgetDto(
            view.Total.Bytes,
            view.EffectiveBudgetBytes,
            view.ConfiguredBudgetBytes,
            view.EffectiveBudgetBytes <= 0 ? 0 : (double)view.Total.Bytes / view.EffectiveBudgetBytes,
            view.MemoryLoadRatio);
        var projects = view.Projects.Select(p => new ProjectDto(p.Name, p.Watch, p.Counters, p.Counters.Evictions.Total)).ToArray();
        var cluster = await ClusterAsync(context, authorized).ConfigureAwait(false);
        return new SummaryDto(
            time.GetUtcNow(),
            authorized,
            window,
            view.Total,
            budget,
            view.HitLatency,
            view.LoadLatency,
            view.Total.Evictions,
            new InvalidationsDto(view.InvalidatedByCause, view.Invalidation),
            projects,
            hotKeys,
            Alerts(state),
            recommendations,
            History(reader, window, span, view.Total, time.GetUtcNow()),
            cluster);
    }

    public static AlertsDto Alerts(DashboardState state)
    {
        var active = state.Reader.ActiveAlerts();
        var activeNames = active.Select(a => a.Rule).ToHashSet(StringComparer.Ordinal);
        var rules = state.Reader.Rules().Select(r =>
        {
            state.Defaults.TryGetValue(r.Name, out var d);
            return new RuleDto(
                r.Name, r.Metric, r.Comparison, r.Threshold, r.ResolveThreshold, r.Window.TotalSeconds, r.Duration.TotalSeconds, r.MinimumEvents,
                d?.Threshold, d?.ResolveThreshold,
                d is not null && (d.Threshold != r.Threshold || d.ResolveThreshold != r.ResolveThreshold),
                activeNames.Contains(r.Name),
                state.MutedUntil(r.Name));
        }).ToArray();
        return new AlertsDto(
            active.Select(a => new ActiveAlertDto(a, state.MutedUntil(a.Rule))).ToArray(),
            state.Recent(),
            rules);
    }

    public static HistoryDto History(CacheReader reader, string window, TimeSpan? span, CounterView now, DateTimeOffset at)
    {
        var all = reader.History();
        int first = 0;
        if (span is { } s && all.Count > 0)
        {
            var from = at - s;
            while (first < all.Count && all[first].At < from)
            {
                first++;
            }
        }

        var points = new List<HistoryPointDto>(all.Count - first);
        for (int i = first; i < all.Count; i++)
        {
            var p = all[i];
            var prev = i > 0 ? all[i - 1] : null;
            double seconds = prev is null ? 0 : (p.At - prev.At).TotalSeconds;
            long hits = prev is null ? 0 : p.Counters.Hits - prev.Counters.Hits;
            long requests = prev is null ? 0 : hits + (p.Counters.Misses - prev.Counters.Misses);
            long evictions = prev is null ? 0 : p.Counters.Evictions.Capacity - prev.Counters.Evictions.Capacity;
            points.Add(new HistoryPointDto(
                p.At,
                requests > 0 ? (double)hits / requests : null,
                seconds > 0 ? requests / seconds : 0,
                seconds > 0 ? evictions / seconds : 0,
                p.Counters.Bytes,
                p.BudgetBytes,
                p.Counters.Entries));
        }

        // Each point's rates are measured from the snapshot before it (inside the window or not). The window's hit ratio
        // runs from its first snapshot to now, so it never counts traffic older than the window (since start without history).
        var baseline = first < all.Count ? all[first].Counters : all.Count > 0 ? all[^1].Counters : default;
        long windowHits = now.Hits - baseline.Hits;
        long windowRequests = windowHits + (now.Misses - baseline.Misses);
        return new HistoryDto(window, windowRequests > 0 ? (double)windowHits / windowRequests : null, windowRequests, points);
    }

    private static async Task<ClusterDto?> ClusterAsync(HttpContext context, bool authorized)
    {
        var provider = context.RequestServices.GetService<IFileCacheClusterStatus>();
        if (provider is null)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(ClusterTimeout);
        try
        {
            var s = await provider.GetStateAsync(timeout.Token).ConfigureAwait(false);
            return new ClusterDto(
                s.NodeId,
                s.IsDegraded,
                s.DegradedReason,
                s.AppliedSequence,
                s.LatestSequence,
                s.AckLatencyP50?.TotalMilliseconds,
                s.AckLatencyP99?.TotalMilliseconds,
                s.Members.Select(m => new ClusterMemberDto(m.Id, m.Address, m.IsSelf, m.IsAlive, m.Lease.ToString(), m.LeaseExpiresAt, m.AppliedSequence, m.LastSeen)).ToArray(),
                s.Ownership.Select(o => new ClusterOwnershipDto(o.ScopeIsKey && !authorized ? DashboardAccess.Redact("key", o.Scope) : o.Scope, o.Owner, o.Mirrors)).ToArray(),
                null);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            return Failed("the cluster status did not answer within 2 s");
        }
#pragma warning disable CA1031 // A failing provider must not take the page down: the panel shows the failure.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Failed(ex.GetType().Name + ": " + ex.Message);
        }

        static ClusterDto Failed(string error) => new(null, true, error, 0, 0, null, null, [], [], error);
    }

    private static string RedactKeys(RecommendationView recommendation, IReadOnlyList<(string Project, string Key, long EstimatedHits)> keys)
    {
        string text = recommendation.Evidence;
        bool found = false;
        foreach (var (project, key, _) in keys)
        {
            if (text.Contains(key, StringComparison.Ordinal))
            {
                text = text.Replace(key, DashboardAccess.Redact(project, key), StringComparison.Ordinal);
                found = true;
            }
        }

        return recommendation.Code == HotKeyAdvice && !found ? "The evidence names a key: shown to authorised viewers only." : text;
    }

    private const string HotKeyAdvice = "hot-key";
}
