using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using FileCache.Statistics;
using FileCache.Storage;

namespace FileCache.Telemetry;

/// <summary>
/// The one sink the engine reports to: it feeds the detailed statistics (latency histograms, hot keys) and the
/// metrics and activities. Hooks for features outside the core (compression, other invalidation causes) are
/// here too: <see cref="Invalidated(string, int)"/>, <see cref="Compressed"/>. Every method does nothing that
/// nobody would see: no clock read, tag or activity unless statistics are on or a listener asks for it.
/// </summary>
internal sealed class CacheObserver : IDisposable
{
    private readonly TimeProvider _time;
    private readonly double _nanosecondsPerTick;
    private readonly ulong _timingThreshold;
    private readonly long _clockOverhead;

    public CacheObserver(FileCacheStatisticsOptions options, TimeProvider time, IMeterFactory? meterFactory, Func<Partition[]> partitions, long budget, string? cacheName = null)
    {
        _time = time;
        Enabled = options.Enabled;
        Partitions = partitions;
        _nanosecondsPerTick = 1e9 / time.TimestampFrequency;
        HitSampleThreshold = Enabled ? HitSampling.Threshold(options.HitSampleRate) : 0;
        _timingThreshold = Enabled ? HitSampling.Threshold(options.HitTimingRate) : 0;
        SampleRate = options.HitSampleRate;
        HotKeys = new HotKeyTracker(options.HitSampleRate, options.HotKeyCount, partitions);
        Metrics = new CacheMetrics(meterFactory, partitions, budget, options.PerProjectMetrics, cacheName);
        _clockOverhead = Enabled ? MeasureClockOverhead() : 0;
    }

    /// <summary>Gets a value indicating whether detailed statistics are kept.</summary>
    public bool Enabled { get; }

    /// <summary>Gets the threshold a hit's scrambled number is compared with (see <see cref="HitSampling"/>); 0 when disabled.</summary>
    public ulong HitSampleThreshold { get; }

    public int SampleRate { get; }

    public Func<Partition[]> Partitions { get; }

    public CacheMetrics Metrics { get; }

    public HotKeyTracker HotKeys { get; }

    public LogHistogram HitLatency { get; } = new();

    public LogHistogram LoadLatency { get; } = new();

    public LogHistogram InvalidationLatency { get; } = new();

    public HitSamples? NewSamples() => Enabled ? HotKeys.NewSamples() : null;

    /// <summary>
    /// Called by the store (under its lock) when a project gets its first entry: makes what a sampled hit of that
    /// project writes to (its sample ring, the hit-latency buckets), so that no hit allocates them, while a cache or
    /// project that never held an entry does not hold them either.
    /// </summary>
    public void PrepareForHits(Partition partition)
    {
        partition.Samples?.Prepare();
        if (_timingThreshold != 0)
        {
            HitLatency.Prepare();
        }
    }

    /// <summary>
    /// A sampled hit (one in <see cref="SampleRate"/>): its entry goes to the partition's sample ring; one in
    /// the timing rate also repeats the lookup between two clock reads. A hit's own duration cannot be measured
    /// without reading the clock on every hit (a clock read costs more than a hit), so the probe measures the
    /// same lookup again, less the clock's own cost measured at start-up.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void SampleHit(Partition partition, CacheEntry entry, long hitNumber)
    {
        var samples = partition.Samples;
        if (samples is not null && samples.Add(entry))
        {
            HotKeys.TryDrain(partition);
        }

        if (HitSampling.Scramble(hitNumber) < _timingThreshold)
        {
            long started = _time.GetTimestamp();
            partition.Map.ContainsKeyOf(entry);
            long ticks = Math.Max(0, _time.GetTimestamp() - started - _clockOverhead);
            long nanoseconds = (long)(ticks * _nanosecondsPerTick);
            HitLatency.Record(nanoseconds);
            if (Metrics.HitDurationEnabled)
            {
                Metrics.RecordHit(nanoseconds / 1e9);
            }
        }
    }

    public LoadScope StartLoad(Partition partition, in FileKey key)
    {
        bool timed = Enabled || Metrics.LoadDurationEnabled;
        var previous = Activity.Current;
        var activity = CacheMetrics.ActivitySource.StartActivity(FileCacheTelemetry.LoadActivity, ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag("filecache.project", partition.Name);
            if (activity.IsAllDataRequested)
            {
                activity.SetTag("filecache.path", key.Path);
                if (key.Variant is not null)
                {
                    activity.SetTag("filecache.variant", key.Variant);
                }
            }
        }

        return new LoadScope(timed ? _time.GetTimestamp() : 0, timed, activity, previous);
    }

    /// <summary>Called right after the load was started: the caller's own flow gets its activity back.</summary>
    public static void LoadStarted(in LoadScope scope)
    {
        if (scope.Activity is not null)
        {
            Activity.Current = scope.Previous;
        }
    }

    public void EndLoad(in LoadScope scope, bool failed)
    {
        if (scope.Timed)
        {
            long ticks = _time.GetTimestamp() - scope.Started;
            if (Enabled)
            {
                LoadLatency.Record((long)(ticks * _nanosecondsPerTick));
            }

            Metrics.RecordLoad(ticks / (double)_time.TimestampFrequency, failed);
        }

        if (scope.Activity is { } activity)
        {
            activity.SetTag("outcome", failed ? "failure" : "success");
            if (failed)
            {
                activity.SetStatus(ActivityStatusCode.Error);
            }

            activity.Stop();
        }
    }

    /// <summary>Starts timing an invalidation; a fan-out (a project or the whole cache) also gets an activity.</summary>
    public InvalidationScope StartInvalidation(string cause, string? project, bool fanOut)
    {
        bool timed = Enabled || Metrics.InvalidationEnabled;
        Activity? activity = null;
        if (fanOut)
        {
            activity = CacheMetrics.ActivitySource.StartActivity(FileCacheTelemetry.InvalidationActivity, ActivityKind.Internal);
            activity?.SetTag("filecache.cause", cause);
            if (project is not null)
            {
                activity?.SetTag("filecache.project", project);
            }
        }

        return new InvalidationScope(cause, timed ? _time.GetTimestamp() : 0, timed, activity);
    }

    public void EndInvalidation(in InvalidationScope scope, int entries)
    {
        double? seconds = null;
        if (scope.Timed)
        {
            long ticks = _time.GetTimestamp() - scope.Started;
            seconds = ticks / (double)_time.TimestampFrequency;
            if (Enabled)
            {
                InvalidationLatency.Record((long)(ticks * _nanosecondsPerTick));
            }
        }

        Metrics.RecordInvalidation(scope.Cause, entries, seconds);
        if (scope.Activity is { } activity)
        {
            activity.SetTag("filecache.entries", entries);
            activity.Stop();
        }
    }

    /// <summary>A hook for invalidations the core does not time itself: counts one request of <paramref name="cause"/> that dropped <paramref name="entries"/>.</summary>
    public void Invalidated(string cause, int entries) => Metrics.RecordInvalidation(cause, entries, null);

    /// <summary>A hook for compression: one value of <paramref name="originalBytes"/> stored in <paramref name="storedBytes"/>.</summary>
    public void Compressed(long originalBytes, long storedBytes) => Metrics.RecordCompression(originalBytes, storedBytes);

    public LatencySummary Summary(CacheOperation operation)
    {
        var histogram = operation switch
        {
            CacheOperation.Hit => HitLatency,
            CacheOperation.Load => LoadLatency,
            CacheOperation.Invalidation => InvalidationLatency,
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "Unknown operation."),
        };
        long[] buckets = histogram.CopyBuckets();
        long count = LogHistogram.Count(buckets);
        long max = histogram.Max;
        static TimeSpan Ns(long ns) => TimeSpan.FromTicks(ns / 100);
        return new LatencySummary(
            count,
            Ns(LogHistogram.Quantile(buckets, count, 0.50, max)),
            Ns(LogHistogram.Quantile(buckets, count, 0.90, max)),
            Ns(LogHistogram.Quantile(buckets, count, 0.99, max)),
            Ns(max),
            count == 0 ? TimeSpan.Zero : Ns(histogram.Sum / count));
    }

    public void Dispose() => Metrics.Dispose();

    /// <summary>The smallest difference between two back-to-back clock reads: what a probe subtracts.</summary>
    private long MeasureClockOverhead()
    {
        long best = long.MaxValue;
        for (int i = 0; i < 16; i++)
        {
            long a = _time.GetTimestamp();
            long b = _time.GetTimestamp();
            best = Math.Min(best, b - a);
        }

        return Math.Max(0, best);
    }
}

/// <summary>A load being timed and traced.</summary>
internal readonly record struct LoadScope(long Started, bool Timed, Activity? Activity, Activity? Previous);

/// <summary>An invalidation being timed and traced.</summary>
internal readonly record struct InvalidationScope(string Cause, long Started, bool Timed, Activity? Activity);
