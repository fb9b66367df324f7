using System.Diagnostics;
using System.Diagnostics.Metrics;
using FileCache.Storage;

namespace FileCache.Telemetry;

/// <summary>
/// The cache's instruments. Counts that change on the hit path (requests, loads, evictions) are observable
/// instruments read from the partitions' striped counters when a listener collects: zero cost per operation.
/// Counters and histograms of slow paths are recorded only when <see cref="Instrument.Enabled"/> says someone
/// listens. The meter comes from <see cref="IMeterFactory"/> when one is given (and is then the factory's to
/// dispose), otherwise the cache creates and disposes its own.
/// </summary>
internal sealed class CacheMetrics : IDisposable
{
    /// <summary>One source for every cache: an activity is created only when a listener samples it.</summary>
    public static readonly ActivitySource ActivitySource = new(FileCacheTelemetry.ActivitySourceName, Version);

    private const string Version = "0.1.0";
    private static readonly string[] ReasonNames = ["capacity", "expired", "removed", "replaced", "invalidated"];

    private readonly FeatureMeter _feature;
    private readonly Meter _meter;
    private readonly Func<Partition[]> _partitions;
    private readonly long _budget;
    private readonly bool _perProject;
    private readonly Counter<long> _invalidations;
    private readonly Counter<long> _invalidatedEntries;
    private readonly Counter<long> _compressions;
    private readonly Counter<long> _compressionSaved;
    private readonly Counter<long> _memoryAlerts;
    private readonly Histogram<double> _hitDuration;
    private readonly Histogram<double> _loadDuration;
    private readonly Histogram<double> _invalidationDuration;
    private volatile bool _disposed;
    private readonly object _retireLock = new();
    private RetiredBox _retired = new(default);

    public CacheMetrics(IMeterFactory? meterFactory, Func<Partition[]> partitions, long budget, bool perProject, string? cacheName = null)
    {
        _partitions = partitions;
        _budget = budget;
        _perProject = perProject;
        _feature = new FeatureMeter(meterFactory, FileCacheTelemetry.MeterName, Version, MeterTags(cacheName));
        _meter = _feature.Meter;
        _meter.CreateObservableCounter(FileCacheTelemetry.Requests, ObserveRequests, "{request}", "Reads, by result (hit or miss).");
        _meter.CreateObservableCounter(FileCacheTelemetry.Loads, () => Observe(static p => p.Counters.Loads.Sum(), Retired.Loads), "{load}", "Loads that completed.");
        _meter.CreateObservableCounter(FileCacheTelemetry.LoadFailures, () => Observe(static p => p.Counters.LoadFailures.Sum(), Retired.LoadFailures), "{load}", "Loads that threw or were cancelled.");
        _meter.CreateObservableCounter(FileCacheTelemetry.Evictions, ObserveEvictions, "{entry}", "Entries that left the cache, by reason.");
        _meter.CreateObservableCounter(FileCacheTelemetry.Rejections, () => Observe(static p => Volatile.Read(ref p.Counters.Rejected), Retired.Rejected), "{entry}", "Values refused for their size.");
        _meter.CreateObservableGauge(FileCacheTelemetry.Entries, () => ObserveHeld(static p => Volatile.Read(ref p.Count)), "{entry}", "Entries held.");
        _meter.CreateObservableGauge(FileCacheTelemetry.Bytes, () => ObserveHeld(static p => Volatile.Read(ref p.Bytes)), "By", "Bytes held.");
        _meter.CreateObservableGauge(FileCacheTelemetry.Budget, ObserveBudget, "By", "The byte budget.");
        _invalidations = _feature.Counter(FileCacheTelemetry.Invalidations, "Invalidation requests, by cause.", "{invalidation}");
        _invalidatedEntries = _feature.Counter(FileCacheTelemetry.InvalidatedEntries, "Entries dropped by invalidations, by cause.", "{entry}");
        _compressions = _feature.Counter(FileCacheTelemetry.Compressions, "Values compressed.", "{entry}");
        _compressionSaved = _feature.Counter(FileCacheTelemetry.CompressionSavedBytes, "Bytes saved by compression.", "By");
        _memoryAlerts = _feature.Counter(FileCacheTelemetry.MemoryAlerts, "Memory alerts: bytes held crossed a configured fraction of the budget.", "{alert}");
        _hitDuration = _feature.Seconds(FileCacheTelemetry.HitDuration, "Hit durations (sampled).", DurationBuckets.Hit);
        _loadDuration = _feature.Seconds(FileCacheTelemetry.LoadDuration, "Load durations, by outcome.", DurationBuckets.Load);
        _invalidationDuration = _feature.Seconds(FileCacheTelemetry.InvalidationDuration, "Invalidation durations, by cause.", DurationBuckets.Invalidation);
    }

    public Meter Meter => _meter;

    /// <summary>A named cache's meter carries its name, so the series of several caches in one process can be told apart.</summary>
    private static KeyValuePair<string, object?>[]? MeterTags(string? cacheName) =>
        cacheName is null ? null : [new(FileCacheTelemetry.CacheNameTag, cacheName)];

    /// <summary>The counts of removed projects, kept so that the totals of the observable counters never go down.</summary>
    private Statistics.CacheCounters Retired => Volatile.Read(ref _retired).Value;

    /// <summary>Adds a removed project's final counts to the retired totals.</summary>
    public void Retire(Partition partition)
    {
        var counts = partition.Counters.Snapshot(0, 0);
        lock (_retireLock)
        {
            Volatile.Write(ref _retired, new RetiredBox(_retired.Value + counts));
        }
    }

    public bool HitDurationEnabled => _hitDuration.Enabled;

    public bool LoadDurationEnabled => _loadDuration.Enabled;

    public bool InvalidationEnabled => _invalidationDuration.Enabled || _invalidations.Enabled || _invalidatedEntries.Enabled;

    public void RecordHit(double seconds) => _hitDuration.Record(seconds);

    public void RecordLoad(double seconds, bool failed)
    {
        if (_loadDuration.Enabled)
        {
            _loadDuration.Record(seconds, new KeyValuePair<string, object?>("outcome", failed ? "failure" : "success"));
        }
    }

    public void RecordInvalidation(string cause, int entries, double? seconds)
    {
        var tag = new KeyValuePair<string, object?>("cause", cause);
        if (_invalidations.Enabled)
        {
            _invalidations.Add(1, tag);
        }

        if (_invalidatedEntries.Enabled && entries > 0)
        {
            _invalidatedEntries.Add(entries, tag);
        }

        if (seconds is { } s && _invalidationDuration.Enabled)
        {
            _invalidationDuration.Record(s, tag);
        }
    }

    public void RecordCompression(long originalBytes, long storedBytes)
    {
        if (_compressions.Enabled)
        {
            _compressions.Add(1);
        }

        if (_compressionSaved.Enabled)
        {
            _compressionSaved.Add(Math.Max(0, originalBytes - storedBytes));
        }
    }

    public void RecordMemoryAlert(double threshold)
    {
        _memoryAlerts.AddIfListened("threshold", threshold);
    }

    public void Dispose()
    {
        _disposed = true;
        _feature.Dispose();
    }

    /// <summary>
    /// The store's lock, when the cache has one: what is held is read under it. An insert links its entry before it
    /// evicts to make room, so a read between the two would see more than the budget (2 % of samples did).
    /// </summary>
    public object? StoreLock { get; set; }

    private List<Measurement<long>> ObserveHeld(Func<Partition, long> read)
    {
        if (StoreLock is not { } gate)
        {
            return Observe(read, 0);
        }

        lock (gate)
        {
            return Observe(read, 0);
        }
    }

    private List<Measurement<long>> Observe(Func<Partition, long> read, long retired)
    {
        if (_disposed)
        {
            return [];
        }

        var partitions = _partitions();
        if (_perProject)
        {
            var list = new List<Measurement<long>>(partitions.Length);
            foreach (var p in partitions)
            {
                list.Add(new Measurement<long>(read(p), new KeyValuePair<string, object?>("project", p.Name)));
            }

            return list;
        }

        long total = retired;
        foreach (var p in partitions)
        {
            total += read(p);
        }

        return [new Measurement<long>(total)];
    }

    private List<Measurement<long>> ObserveRequests()
    {
        if (_disposed)
        {
            return [];
        }

        var list = new List<Measurement<long>>();
        var retired = Retired;
        long hits = retired.Hits, misses = retired.Misses;
        foreach (var p in _partitions())
        {
            long h = p.Counters.Hits.Sum(), m = p.Counters.Misses.Sum();
            if (_perProject)
            {
                var project = new KeyValuePair<string, object?>("project", p.Name);
                list.Add(new Measurement<long>(h, new KeyValuePair<string, object?>("result", "hit"), project));
                list.Add(new Measurement<long>(m, new KeyValuePair<string, object?>("result", "miss"), project));
            }

            hits += h;
            misses += m;
        }

        if (!_perProject)
        {
            list.Add(new Measurement<long>(hits, new KeyValuePair<string, object?>("result", "hit")));
            list.Add(new Measurement<long>(misses, new KeyValuePair<string, object?>("result", "miss")));
        }

        return list;
    }

    private List<Measurement<long>> ObserveEvictions()
    {
        if (_disposed)
        {
            return [];
        }

        var list = new List<Measurement<long>>();
        var retired = Retired.Evictions;
        var totals = new long[ReasonNames.Length];
        for (int r = 0; r < totals.Length; r++)
        {
            totals[r] = retired[(RemovalReason)r];
        }

        foreach (var p in _partitions())
        {
            for (int r = 0; r < ReasonNames.Length; r++)
            {
                long count = Volatile.Read(ref p.Counters.Removals[r]);
                totals[r] += count;
                if (_perProject)
                {
                    list.Add(new Measurement<long>(count, new KeyValuePair<string, object?>("reason", ReasonNames[r]), new KeyValuePair<string, object?>("project", p.Name)));
                }
            }
        }

        if (!_perProject)
        {
            for (int r = 0; r < ReasonNames.Length; r++)
            {
                list.Add(new Measurement<long>(totals[r], new KeyValuePair<string, object?>("reason", ReasonNames[r])));
            }
        }

        return list;
    }

    private List<Measurement<long>> ObserveBudget()
    {
        if (_disposed)
        {
            return [];
        }

        if (!_perProject)
        {
            return [new Measurement<long>(_budget)];
        }

        var list = new List<Measurement<long>> { new(_budget) };
        foreach (var p in _partitions())
        {
            if (p.Quota != long.MaxValue)
            {
                list.Add(new Measurement<long>(p.Quota, new KeyValuePair<string, object?>("project", p.Name)));
            }
        }

        return list;
    }
}

/// <summary>The retired totals, swapped whole so that readers never see half an update.</summary>
internal sealed record RetiredBox(Statistics.CacheCounters Value);
