using FileCache.Invalidation;
using FileCache.Storage;
using FileCache.Telemetry;
using Microsoft.Extensions.Time.Testing;
using T = FileCache.Telemetry.FileCacheTelemetry;

namespace FileCache.Tests.Telemetry;

public class MetricsTests
{
    private static DefaultFileCache Create(TestMeterFactory meters, FakeTimeProvider time, long budget = 1000, Action<FileCacheOptions>? configure = null)
    {
        // CLOCK: the scripted workload counts evictions exactly, and CLOCK evicts in a fixed order; TinyLFU may
        // refuse a newcomer instead, which is another (tested elsewhere) sequence of counts.
        var options = new FileCacheOptions { MaxBytes = budget, EvictionPolicy = EvictionPolicy.Clock, ChargeOverheadOnDeclaredSize = false };
        options.AddProject("p", null);
        options.AddProject("q", null);
        configure?.Invoke(options);
        return (DefaultFileCache)FileCacheFactory.Create(options, time, meters);
    }

    /// <summary>
    /// A scripted workload: 3 sets, 5 hits and 2 misses, one load that takes 2 s, one that fails after 1 s,
    /// 3 capacity evictions, a key removal, a project invalidation and a clear.
    /// </summary>
    private static async Task RunWorkload(DefaultFileCache cache, FakeTimeProvider time)
    {
        var a = cache.CreateKey("p", "a");
        var b = cache.CreateKey("p", "b");
        var c = cache.CreateKey("q", "c");
        cache.Set(a, "x", CacheFixture.Size(300));
        cache.Set(b, "x", CacheFixture.Size(300));
        cache.Set(c, "x", CacheFixture.Size(300));
        for (int i = 0; i < 5; i++)
        {
            Assert.True(cache.TryGet<string>(a, out _));
        }

        Assert.False(cache.TryGet<string>(cache.CreateKey("p", "none"), out _));
        Assert.False(cache.TryGet<string>(cache.CreateKey("q", "none"), out _));

        // A load that takes 2 s (by the fake clock): it misses first, then inserts 300 bytes and evicts b (a was read).
        await cache.GetOrAddAsync(cache.CreateKey("p", "loaded"), (_, _) =>
        {
            time.Advance(TimeSpan.FromSeconds(2));
            return ValueTask.FromResult("v");
        }, CacheFixture.Size(300));

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await cache.GetOrAddAsync<string>(cache.CreateKey("q", "broken"), (_, _) =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            throw new InvalidOperationException("boom");
        }, CacheFixture.Size(10)));

        // 700 more bytes: evicts c, then a (its second chance was spent above), keeping "loaded".
        cache.Set(cache.CreateKey("q", "big"), "x", CacheFixture.Size(700));
        Assert.True(cache.Remove(cache.CreateKey("p", "loaded")));
        Assert.Equal(1, cache.InvalidateProject("q"));
        cache.Set(cache.CreateKey("p", "late"), "x", CacheFixture.Size(10));
        cache.Clear();
    }

    [Fact]
    public async Task ScriptedWorkload_MeterListener_SeesExactCounts()
    {
        using var meters = new TestMeterFactory();
        using var recorder = new MetricsRecorder(meters);
        var time = new FakeTimeProvider();
        using var cache = Create(meters, time);

        await RunWorkload(cache, time);
        var stats = cache.GetStatistics().Total;

        // Requests: 5 hits; 2 TryGet misses + 2 GetOrAddAsync misses.
        Assert.Equal(5, recorder.Sum(T.Requests, ("result", "hit")));
        Assert.Equal(4, recorder.Sum(T.Requests, ("result", "miss")));
        Assert.Equal(1, recorder.Sum(T.Loads));
        Assert.Equal(1, recorder.Sum(T.LoadFailures));

        // Evictions by reason agree with the engine's own counters, and the script made each kind happen.
        Assert.Equal(3, recorder.Sum(T.Evictions, ("reason", "capacity")));
        Assert.Equal(stats.Evictions.Capacity, recorder.Sum(T.Evictions, ("reason", "capacity")));
        Assert.Equal(stats.Evictions.Removed, recorder.Sum(T.Evictions, ("reason", "removed")));
        Assert.Equal(stats.Evictions.Invalidated, recorder.Sum(T.Evictions, ("reason", "invalidated")));
        Assert.Equal(0, recorder.Sum(T.Evictions, ("reason", "expired")));

        // Invalidations: one per request, by cause; the clear is one request (one sequence number) over every project.
        Assert.Equal(1, recorder.Sum(T.Invalidations, ("cause", "key")));
        Assert.Equal(1, recorder.Sum(T.Invalidations, ("cause", "project")));
        Assert.Equal(1, recorder.Sum(T.Invalidations, ("cause", "clear")));
        Assert.Equal(1, recorder.Sum(T.InvalidatedEntries, ("cause", "key")));
        Assert.Equal(1, recorder.Sum(T.InvalidatedEntries, ("cause", "project")));
        Assert.Equal(1, recorder.Sum(T.InvalidatedEntries, ("cause", "clear")));
        Assert.Equal(3, recorder.Count(T.InvalidationDuration));

        // Load durations by the fake clock, exactly.
        Assert.Equal(1, recorder.Count(T.LoadDuration, ("outcome", "success")));
        Assert.Equal(2.0, recorder.Sum(T.LoadDuration, ("outcome", "success")));
        Assert.Equal(1.0, recorder.Sum(T.LoadDuration, ("outcome", "failure")));

        // Gauges: everything was cleared; the budget is the option.
        Assert.Equal(0, recorder.Sum(T.Entries));
        Assert.Equal(0, recorder.Sum(T.Bytes));
        Assert.Equal(1000, recorder.Sum(T.Budget));
        Assert.Equal(0, recorder.Count(T.Requests, ("project", "p")));
    }

    [Fact]
    public void Invalidate_EachRequestShape_TaggedWithItsOwnCause()
    {
        using var meters = new TestMeterFactory();
        using var recorder = new MetricsRecorder(meters);
        using var cache = Create(meters, new FakeTimeProvider(), budget: 1L << 20);
        var key = cache.CreateKey("p", "src/a.cs");
        cache.Set(key, "x", CacheFixture.Size(10));

        cache.Invalidate(InvalidationRequest.ForKey(key));
        cache.Invalidate(InvalidationRequest.ForDirectory("p", "src"));
        cache.Invalidate(InvalidationRequest.ForGlob("p", "src/**/*.cs"));
        cache.Invalidate(InvalidationRequest.ForProject("q"));
        cache.Invalidate(InvalidationRequest.ForTag("t"));
        cache.Invalidate(InvalidationRequest.OlderThan("p", DateTimeOffset.UnixEpoch));
        cache.Invalidate(InvalidationRequest.ForAll());

        foreach (string cause in new[] { "key", "directory", "glob", "project", "tag", "older_than", "all" })
        {
            Assert.Equal(1, recorder.Sum(T.Invalidations, ("cause", cause)));
        }
    }

    [Fact]
    public async Task PerProjectMetrics_TagsEachSeriesWithItsProject()
    {
        using var meters = new TestMeterFactory();
        using var recorder = new MetricsRecorder(meters);
        var time = new FakeTimeProvider();
        using var cache = Create(meters, time, configure: o => o.Statistics.PerProjectMetrics = true);
        await RunWorkload(cache, time);
        cache.Set(cache.CreateKey("q", "kept"), "x", CacheFixture.Size(100));

        Assert.Equal(5, recorder.Sum(T.Requests, ("result", "hit"), ("project", "p")));
        Assert.Equal(0, recorder.Sum(T.Requests, ("result", "hit"), ("project", "q")));
        Assert.Equal(2, recorder.Sum(T.Requests, ("result", "miss"), ("project", "q")));
        Assert.Equal(1, recorder.Sum(T.LoadFailures, ("project", "q")));
        Assert.Equal(100, recorder.Sum(T.Bytes, ("project", "q")));
        Assert.Equal(0, recorder.Sum(T.Bytes, ("project", "p")));
    }

    [Fact]
    public void HitDuration_EveryHitTimed_CountsEachHit()
    {
        using var meters = new TestMeterFactory();
        using var recorder = new MetricsRecorder(meters);
        using var cache = Create(meters, new FakeTimeProvider(), configure: o =>
        {
            o.Statistics.HitSampleRate = 1;
            o.Statistics.HitTimingRate = 1;
        });
        var key = cache.CreateKey("p", "a");
        cache.Set(key, "x", CacheFixture.Size(1));
        for (int i = 0; i < 7; i++)
        {
            cache.TryGet<string>(key, out _);
        }

        Assert.Equal(7, recorder.Count(T.HitDuration));
        Assert.Equal(7, FileCache.Monitoring.CacheMonitor.For(cache).GetLatency(FileCache.Statistics.CacheOperation.Hit).Count);
    }

    [Fact]
    public void DefaultSampling_TimesAboutOneHitInTimingRate_SameHitsInHistogramAndMetric()
    {
        using var meters = new TestMeterFactory();
        using var recorder = new MetricsRecorder(meters);
        using var cache = Create(meters, new FakeTimeProvider(), configure: o => o.Statistics.HitTimingRate = 1024);
        var key = cache.CreateKey("p", "a");
        cache.Set(key, "x", CacheFixture.Size(1));
        int hits = 0;
        for (int i = 0; i < 16_384; i++)
        {
            hits += cache.TryGet<string>(key, out _) ? 1 : 0;
        }

        // The hit numbers are per counter cell (by processor, and the thread may move), so which hits are timed
        // is not predictable from here; about one in 1,024 is. The histogram and the metric see the same ones.
        Assert.Equal(16_384, hits);
        int timed = recorder.Count(T.HitDuration);
        Assert.InRange(timed, 4, 40);
        Assert.Equal(timed, FileCache.Monitoring.CacheMonitor.For(cache).GetLatency(FileCache.Statistics.CacheOperation.Hit).Count);
    }

    [Fact]
    public async Task RemoveProject_TotalsOfObservableCountersDoNotGoDown()
    {
        using var meters = new TestMeterFactory();
        using var recorder = new MetricsRecorder(meters);
        var time = new FakeTimeProvider();
        using var cache = Create(meters, time);
        await RunWorkload(cache, time);
        double hits = recorder.Sum(T.Requests, ("result", "hit"));
        double misses = recorder.Sum(T.Requests, ("result", "miss"));
        double loads = recorder.Sum(T.Loads);
        double failures = recorder.Sum(T.LoadFailures);
        double capacity = recorder.Sum(T.Evictions, ("reason", "capacity"));
        cache.Set(cache.CreateKey("q", "last"), "x", CacheFixture.Size(10));

        Assert.True(cache.RemoveProject("q"));

        Assert.Equal(hits, recorder.Sum(T.Requests, ("result", "hit")));
        Assert.Equal(misses, recorder.Sum(T.Requests, ("result", "miss")));
        Assert.Equal(loads, recorder.Sum(T.Loads));
        Assert.Equal(failures, recorder.Sum(T.LoadFailures));
        Assert.Equal(capacity, recorder.Sum(T.Evictions, ("reason", "capacity")));
        Assert.Equal(1, recorder.Sum(T.Invalidations, ("cause", "project_removed")));
        Assert.Equal(0, recorder.Sum(T.Entries));
    }

    [Fact]
    public void StatisticsOff_NoListener_LoadsAndInvalidationsReadNoClock()
    {
        var time = new CountingTimeProvider();
        var options = new FileCacheOptions { MaxBytes = 1000 };
        options.AddProject("p", null);
        options.Statistics.Enabled = false;
        using var cache = FileCacheFactory.Create(options, time, new TestMeterFactory());
        var key = cache.CreateKey("p", "a");
        long before = time.Reads;
        cache.Remove(key);
        cache.InvalidateProject("p");
        Assert.Equal(before, time.Reads);
        Assert.Empty(FileCache.Monitoring.CacheMonitor.For(cache).GetHotKeys());
    }

    [Fact]
    public void Compressed_Hook_CountsWhenListened()
    {
        using var meters = new TestMeterFactory();
        using var recorder = new MetricsRecorder(meters);
        using var cache = Create(meters, new FakeTimeProvider());
        cache.Observer.Compressed(1000, 400);
        cache.Observer.Compressed(500, 600);
        cache.Observer.Invalidated("watcher", 3);
        Assert.Equal(2, recorder.Sum(T.Compressions));
        Assert.Equal(600, recorder.Sum(T.CompressionSavedBytes));
        Assert.Equal(3, recorder.Sum(T.InvalidatedEntries, ("cause", "watcher")));
    }

    [Fact]
    public void MeterName_IsThePackageName()
    {
        using var meters = new TestMeterFactory();
        using var cache = Create(meters, new FakeTimeProvider());
        Assert.Equal("Ferrule.FileCache", cache.Observer.Metrics.Meter.Name);
        Assert.Same(meters, cache.Observer.Metrics.Meter.Scope);
    }

    private sealed class CountingTimeProvider : TimeProvider
    {
        private long _reads;

        public long Reads => Interlocked.Read(ref _reads);

        public override long GetTimestamp()
        {
            Interlocked.Increment(ref _reads);
            return base.GetTimestamp();
        }
    }
}
