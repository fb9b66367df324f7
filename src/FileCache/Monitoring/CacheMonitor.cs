using FileCache.Statistics;
using FileCache.Storage;
using FileCache.Telemetry;

namespace FileCache.Monitoring;

/// <summary>
/// What a cache is doing: latency percentiles, hot keys, entry sizes, a history of snapshots with trend queries,
/// alerts with hysteresis and recommendations. One per cache: <see cref="For(IFileCache)"/>, or resolve it from DI.
/// </summary>
/// <remarks>
/// Snapshots are taken every <see cref="FileCacheStatisticsOptions.HistoryInterval"/> by a timer of the cache's
/// <see cref="TimeProvider"/> (or by <see cref="TakeSnapshot"/>); each snapshot evaluates the alert rules. With
/// <see cref="FileCacheStatisticsOptions.Enabled"/> off, the monitor keeps nothing and reports empty results.
/// Event handlers run on the thread that took the snapshot, outside the monitor's lock; one that throws does not
/// stop the others.
/// </remarks>
public sealed class CacheMonitor
{
    private readonly DefaultFileCache _cache;
    private readonly CacheObserver _observer;
    private readonly TimeProvider _time;
    private readonly object _lock = new();
    private readonly HistoryRing _history;
    private readonly AlertState[] _alerts;
    private readonly ITimer? _timer;

    internal CacheMonitor(DefaultFileCache cache, CacheObserver observer, FileCacheStatisticsOptions statistics, FileCacheMonitorOptions monitoring, TimeProvider time)
    {
        _cache = cache;
        _observer = observer;
        _time = time;
        _history = new HistoryRing(statistics.HistoryCapacity);
        var rules = (monitoring.UseBuiltInRules ? BuiltInAlertRules.All() : []).Concat(monitoring.Rules);
        _alerts = rules.Select(rule => new AlertState(Copy(rule))).ToArray();
        if (observer.Enabled && statistics.HistoryInterval is { } interval)
        {
            // The timer holds the monitor weakly: a cache that is dropped without Dispose must not be kept alive
            // (with all its entries) by its own snapshot timer. Once the monitor is gone, the timer stops itself.
            var state = new TimerState(new WeakReference<CacheMonitor>(this));
            _timer = time.CreateTimer(static s => TimerState.Tick((TimerState)s!), state, interval, interval);
            state.Timer = _timer;
        }
    }

    /// <summary>Raised when an alert rule's condition has held for its duration.</summary>
    public event EventHandler<CacheAlertEventArgs>? AlertRaised;

    /// <summary>Raised when a raised alert's metric has been back past its resolve threshold for the rule's duration.</summary>
    public event EventHandler<CacheAlertEventArgs>? AlertResolved;

    /// <summary>Gets a value indicating whether detailed statistics are kept (<see cref="FileCacheStatisticsOptions.Enabled"/>).</summary>
    public bool IsEnabled => _observer.Enabled;

    /// <summary>Gets copies of the rules evaluated (built-in ones first), with any change made by <see cref="UpdateRule"/>; changing the copies has no effect.</summary>
    public IReadOnlyList<AlertRule> Rules
    {
        get
        {
            lock (_lock)
            {
                return Array.ConvertAll(_alerts, a => Copy(a.Rule));
            }
        }
    }

    /// <summary>Gets the alerts raised and not yet resolved.</summary>
    public IReadOnlyList<CacheAlert> ActiveAlerts
    {
        get
        {
            lock (_lock)
            {
                return _alerts.Where(a => a.Active is not null).Select(a => a.Active!).ToArray();
            }
        }
    }

    /// <summary>Returns the monitor of a cache: <see cref="IFileCache.Monitor"/>, so a decorated cache answers with its inner cache's.</summary>
    /// <param name="cache">The cache.</param>
    /// <returns>The cache's monitor.</returns>
    public static CacheMonitor For(IFileCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return cache.Monitor;
    }

    /// <summary>Returns percentiles of an operation's durations since start.</summary>
    /// <param name="operation">The operation.</param>
    /// <returns>The percentiles; all zero when nothing was measured.</returns>
    public LatencySummary GetLatency(CacheOperation operation) => _observer.Summary(operation);

    /// <summary>Returns the most accessed keys, most accessed first, from sampled hits.</summary>
    /// <param name="project">A project's name, or <see langword="null"/> for all projects.</param>
    /// <param name="count">The most keys to return.</param>
    /// <returns>The keys; empty when statistics are off.</returns>
    /// <exception cref="ArgumentException"><paramref name="project"/> is not registered.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    public IReadOnlyList<HotKey> GetHotKeys(string? project = null, int count = 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var partition = project is null ? null : _cache.GetPartition(project);
        if (!IsEnabled)
        {
            return [];
        }

        return _observer.HotKeys.GetHotKeys(_observer.Partitions(), partition, count);
    }

    /// <summary>Estimates a key's recent hits from the frequency sketch: its sampled hits times the sample rate (collisions in the sketch can only add; all counts are halved periodically, so older hits weigh less).</summary>
    /// <param name="key">The key.</param>
    /// <returns>The estimate; 0 when statistics are off.</returns>
    public long EstimateHits(in FileKey key)
    {
        if (key.IsDefault)
        {
            throw new ArgumentException("The key is default; create keys with IFileCache.CreateKey.", nameof(key));
        }

        return IsEnabled ? _observer.HotKeys.EstimateHits(_observer.Partitions(), key) : 0;
    }

    /// <summary>Returns the distribution of the sizes of the entries held now.</summary>
    /// <returns>The distribution.</returns>
    public SizeDistribution GetEntrySizes()
    {
        var histogram = _cache.Store.Sizes;
        long[] buckets = histogram.CopyBuckets();
        long count = LogHistogram.Count(buckets);
        long max = long.MaxValue;
        var list = new List<SizeBucket>();
        for (int i = 0; i < buckets.Length; i++)
        {
            if (buckets[i] > 0)
            {
                list.Add(new SizeBucket(LogHistogram.UpperBound(i), buckets[i]));
            }
        }

        return new SizeDistribution(
            count,
            histogram.Sum,
            LogHistogram.Quantile(buckets, count, 0.5, max),
            LogHistogram.Quantile(buckets, count, 0.9, max),
            LogHistogram.Quantile(buckets, count, 0.99, max),
            list);
    }

    /// <summary>Returns the snapshots kept, oldest first.</summary>
    /// <returns>The history.</returns>
    public IReadOnlyList<StatisticsSnapshot> GetHistory()
    {
        lock (_lock)
        {
            return _history.ToArray();
        }
    }

    /// <summary>Takes a snapshot now, adds it to the history and evaluates the alert rules (the timer does this every interval).</summary>
    /// <returns>The snapshot.</returns>
    /// <exception cref="InvalidOperationException">Statistics are off.</exception>
    public StatisticsSnapshot TakeSnapshot()
    {
        if (!IsEnabled)
        {
            throw new InvalidOperationException("Statistics are off (FileCacheOptions.Statistics.Enabled).");
        }

        var stats = _cache.GetStatistics();
        var load = _observer.Summary(CacheOperation.Load);
        var snapshot = new StatisticsSnapshot(_time.GetUtcNow(), stats.Total, stats.BudgetBytes, _observer.LoadLatency.Sum / 1e9, load.Count);
        var changes = new List<(CacheAlert Alert, bool Raised)>();
        lock (_lock)
        {
            _history.Add(snapshot);
            foreach (var alert in _alerts)
            {
                var baseline = Baseline(snapshot, alert.Rule.Window);
                double? value = MetricMath.Compute(alert.Rule.Metric, snapshot, baseline, alert.Rule.MinimumEvents);
                if (alert.Evaluate(snapshot.At, value) is { } change)
                {
                    changes.Add(change);
                }
            }
        }

        foreach (var (alert, raised) in changes)
        {
            RaiseEvent(raised ? AlertRaised : AlertResolved, alert);
        }

        return snapshot;
    }

    /// <summary>Compares the hit ratio of the last <paramref name="window"/> with the <paramref name="window"/> before it, from the history.</summary>
    /// <param name="window">The span of each window.</param>
    /// <returns>Both ratios; a ratio is <see langword="null"/> when the history does not reach back that far or the window saw no request.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is not positive.</exception>
    public HitRatioTrend GetHitRatioTrend(TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        lock (_lock)
        {
            var latest = _history.Latest;
            if (latest is null)
            {
                return default;
            }

            var middle = _history.AtOrBefore(latest.At - window);
            var first = _history.AtOrBefore(latest.At - window - window);
            var (current, currentRequests) = Ratio(middle, latest);
            var (previous, previousRequests) = Ratio(first, middle);
            return new HitRatioTrend(current, previous, currentRequests, previousRequests);
        }
    }

    /// <summary>Returns how fast the bytes held grew over the last <paramref name="window"/>, from the history.</summary>
    /// <param name="window">The span looked at.</param>
    /// <returns>Bytes per second (negative when shrinking), or <see langword="null"/> when the history does not reach back that far.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is not positive.</exception>
    public double? GetByteGrowthRate(TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        lock (_lock)
        {
            var latest = _history.Latest;
            var then = latest is null ? null : _history.AtOrBefore(latest.At - window);
            if (latest is null || then is null || then.At >= latest.At)
            {
                return null;
            }

            return (latest.Counters.Bytes - then.Counters.Bytes) / (latest.At - then.At).TotalSeconds;
        }
    }

    /// <summary>Computes recommendations from the statistics and the history, each with its evidence.</summary>
    /// <returns>The recommendations; empty when nothing stands out or statistics are off.</returns>
    public IReadOnlyList<Recommendation> GetRecommendations()
    {
        if (!IsEnabled)
        {
            return [];
        }

        StatisticsSnapshot[] history;
        lock (_lock)
        {
            history = _history.ToArray();
        }

        var stats = _cache.GetStatistics();
        var now = new StatisticsSnapshot(_time.GetUtcNow(), stats.Total, stats.BudgetBytes, _observer.LoadLatency.Sum / 1e9, _observer.Summary(CacheOperation.Load).Count);
        var inputs = new RecommendationInputs(
            now,
            history.Length > 0 && history[0].At < now.At ? history[0] : null,
            _observer.Summary(CacheOperation.Load),
            GetEntrySizes(),
            _observer.HotKeys.GetHotKeys(_observer.Partitions(), null, 1),
            _observer.HotKeys.Samples * _observer.SampleRate);
        return Recommendations.Compute(inputs);
    }

    /// <summary>
    /// Changes the thresholds of an evaluated rule at run time (for example from a dashboard). The change lasts until the
    /// process ends: the options keep the defaults. An alert the rule raised stays raised until the new thresholds resolve it.
    /// </summary>
    /// <param name="name">The rule's name.</param>
    /// <param name="threshold">The new threshold; finite.</param>
    /// <param name="resolveThreshold">The new resolve threshold, or <see langword="null"/> for none (the threshold itself); finite and not beyond <paramref name="threshold"/> in the firing direction.</param>
    /// <returns>A copy of the rule as now evaluated.</returns>
    /// <exception cref="ArgumentException">No rule has that name.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A threshold is not finite, or the resolve threshold is beyond the threshold in the firing direction.</exception>
    public AlertRule UpdateRule(string name, double threshold, double? resolveThreshold)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!double.IsFinite(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be finite.");
        }

        lock (_lock)
        {
            var state = Array.Find(_alerts, a => string.Equals(a.Rule.Name, name, StringComparison.Ordinal))
                ?? throw new ArgumentException($"No alert rule is named '{name}'.", nameof(name));
            var rule = Copy(state.Rule);
            if (resolveThreshold is { } resolve && (!double.IsFinite(resolve)
                || (rule.Comparison == AlertComparison.Above && resolve > threshold)
                || (rule.Comparison == AlertComparison.Below && resolve < threshold)))
            {
                throw new ArgumentOutOfRangeException(nameof(resolveThreshold), resolveThreshold, $"The resolve threshold must be finite and not beyond the threshold ({threshold}, {rule.Comparison}).");
            }

            rule.Threshold = threshold;
            rule.ResolveThreshold = resolveThreshold;
            state.Rule = rule;
            return Copy(rule);
        }
    }

    internal void Stop() => _timer?.Dispose();

    private static AlertRule Copy(AlertRule rule) => new()
    {
        Name = rule.Name,
        Metric = rule.Metric,
        Comparison = rule.Comparison,
        Threshold = rule.Threshold,
        ResolveThreshold = rule.ResolveThreshold,
        Window = rule.Window,
        Duration = rule.Duration,
        MinimumEvents = rule.MinimumEvents,
    };

    private static (double? Ratio, long Requests) Ratio(StatisticsSnapshot? from, StatisticsSnapshot? to)
    {
        if (from is null || to is null || from.At >= to.At)
        {
            return (null, 0);
        }

        long hits = to.Counters.Hits - from.Counters.Hits;
        long requests = hits + (to.Counters.Misses - from.Counters.Misses);
        return (requests > 0 ? (double)hits / requests : null, requests);
    }

    /// <summary>The snapshot a window starts at: the latest one at or before its start; the oldest kept when the history is shorter; the previous one for a zero window.</summary>
    private StatisticsSnapshot? Baseline(StatisticsSnapshot latest, TimeSpan window)
    {
        if (_history.Count < 2)
        {
            return null;
        }

        if (window <= TimeSpan.Zero)
        {
            return _history[_history.Count - 2];
        }

        return _history.AtOrBefore(latest.At - window) ?? _history[0];
    }

    private void OnTimer()
    {
        if (_cache.IsDisposed)
        {
            return;
        }

        try
        {
            _observer.HotKeys.Drain(_observer.Partitions());
            TakeSnapshot();
        }
        catch (ObjectDisposedException)
        {
            // The cache was disposed while the timer fired: there is nothing left to watch.
        }
    }

    private void RaiseEvent(EventHandler<CacheAlertEventArgs>? handler, CacheAlert alert)
    {
        if (handler is null)
        {
            return;
        }

        var args = new CacheAlertEventArgs(alert);
        foreach (EventHandler<CacheAlertEventArgs> one in handler.GetInvocationList())
        {
            try
            {
                one(this, args);
            }
#pragma warning disable CA1031 // A subscriber's failure must not stop the snapshot timer or the other subscribers.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    /// <summary>What the snapshot timer holds: the monitor, weakly, and the timer itself, to stop it once the monitor is gone.</summary>
    private sealed class TimerState(WeakReference<CacheMonitor> monitor)
    {
        public ITimer? Timer { get; set; }

        public static void Tick(TimerState state)
        {
            if (state.Monitor.TryGetTarget(out var target))
            {
                target.OnTimer();
            }
            else
            {
                state.Timer?.Dispose();
            }
        }

        private WeakReference<CacheMonitor> Monitor { get; } = monitor;
    }
}
