using System.Globalization;
using FileCache.AspNetCore.Internal;
using FileCache.Cluster;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FileCache.AspNetCore.Health;

/// <summary>
/// Reports the cache's health. Degraded: memory pressure (the budget in force is below <c>MaxBytes</c>, or the memory
/// load is at least <see cref="FileCacheHealthCheckOptions.DegradedMemoryLoad"/>), a project polling because its watcher
/// could not run, or a cluster node in a degraded mode. Unhealthy: a watcher lost events in the window (its project was
/// invalidated), or the share of failed loads in the window is at least
/// <see cref="FileCacheHealthCheckOptions.UnhealthyLoadFailureRatio"/>.
/// </summary>
internal sealed class FileCacheHealthCheck(
    CacheReader reader,
    FileCacheHealthCheckOptions options,
    HealthSamples samples,
    TimeProvider time,
    IFileCacheClusterStatus? cluster) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var view = reader.Read();
        var now = time.GetUtcNow();
        var sample = new HealthSample(now, view.Total.Loads, view.Total.LoadFailures, view.Invalidation.WatcherOverflows);
        var baseline = samples.AddAndGetBaseline(sample, options.Window);

        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["bytes"] = view.Total.Bytes,
            ["budgetInForce"] = view.EffectiveBudgetBytes,
            ["configuredBudget"] = view.ConfiguredBudgetBytes,
            ["memoryLoad"] = view.MemoryLoadRatio,
        };
        var unhealthy = new List<string>();
        var degraded = new List<string>();

        long lost = sample.WatcherOverflows - baseline.WatcherOverflows;
        if (lost > 0)
        {
            unhealthy.Add(Format($"watchers lost events {lost} time(s) in the last {Minutes(options.Window)} (their projects were invalidated)"));
        }

        long failures = sample.LoadFailures - baseline.LoadFailures;
        long loads = (sample.Loads - baseline.Loads) + failures;
        data["loadsInWindow"] = loads;
        data["loadFailuresInWindow"] = failures;
        if (loads > 0 && loads >= options.MinimumLoads && (double)failures / loads >= options.UnhealthyLoadFailureRatio)
        {
            unhealthy.Add(Format($"{failures} of {loads} loads failed in the last {Minutes(options.Window)} ({(double)failures / loads:P0})"));
        }

        if (view.EffectiveBudgetBytes < view.ConfiguredBudgetBytes)
        {
            degraded.Add(Format($"memory pressure holds the budget at {view.EffectiveBudgetBytes:N0} of {view.ConfiguredBudgetBytes:N0} bytes"));
        }
        else if (view.MemoryLoadRatio >= options.DegradedMemoryLoad)
        {
            degraded.Add(Format($"memory load {view.MemoryLoadRatio:P0} of the GC's high-load threshold"));
        }

        var polling = view.Projects.Where(p => p.Watch == "polling").Select(p => p.Name).ToArray();
        if (polling.Length > 0)
        {
            data["pollingProjects"] = polling;
            degraded.Add("polling instead of watching: " + string.Join(", ", polling));
        }

        if (cluster is not null)
        {
            var state = await cluster.GetStateAsync(cancellationToken).ConfigureAwait(false);
            data["clusterNode"] = state.NodeId;
            if (state.IsDegraded)
            {
                degraded.Add("cluster node " + state.NodeId + " is degraded" + (state.DegradedReason is { } why ? ": " + why : string.Empty));
            }
        }

        if (unhealthy.Count > 0)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, string.Join("; ", unhealthy.Concat(degraded)), data: data);
        }

        return degraded.Count > 0
            ? HealthCheckResult.Degraded(string.Join("; ", degraded), data: data)
            : HealthCheckResult.Healthy("FileCache is healthy.", data);
    }

    private static string Minutes(TimeSpan window) => Format($"{window.TotalMinutes:0.#} min");

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The counters a health check saw.</summary>
internal readonly record struct HealthSample(DateTimeOffset At, long Loads, long LoadFailures, long WatcherOverflows);

/// <summary>
/// The counters seen by past health checks (a singleton: checks are created per run), so a check can compare with the
/// counters one window ago. Without a sample that old, the oldest one is the baseline; without any, the counters since start.
/// </summary>
internal sealed class HealthSamples
{
    private const int Capacity = 1024;
    private readonly object _lock = new();
    private readonly LinkedList<HealthSample> _samples = new();

    public HealthSample AddAndGetBaseline(HealthSample now, TimeSpan window)
    {
        lock (_lock)
        {
            var from = now.At - window;
            // Drop samples older than the newest one at or before the window's start: that one is the baseline.
            while (_samples.First?.Next is { } second && second.Value.At <= from)
            {
                _samples.RemoveFirst();
            }

            var baseline = _samples.First?.Value ?? new HealthSample(now.At, 0, 0, 0);
            // At most about 256 samples a window, however often the check runs.
            if (_samples.Last is null || _samples.Last.Value.At + (window / 256) <= now.At)
            {
                _samples.AddLast(now);
            }

            while (_samples.Count > Capacity)
            {
                _samples.RemoveFirst();
            }

            return baseline;
        }
    }
}
