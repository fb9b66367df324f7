using FileCache.Monitoring;
using FileCache.Statistics;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.Monitoring;

public class HistoryTests
{
    [Fact]
    public void Trends_OnScriptedHistory_CompareWindowsAndMeasureGrowth()
    {
        var time = new FakeTimeProvider();
        using var cache = CacheFixture.Create(10_000_000, time, o => o.Statistics.HistoryInterval = TimeSpan.FromMinutes(1));
        var monitor = CacheMonitor.For(cache);
        monitor.TakeSnapshot(); // the starting point at 0
        var hot = cache.CreateKey("p", "hot");
        cache.Set(hot, "x", CacheFixture.Size(1));
        var cold = cache.CreateKey("p", "cold");
        for (int minute = 1; minute <= 10; minute++)
        {
            int hitPercent = minute <= 5 ? 90 : 50;
            for (int i = 0; i < 100; i++)
            {
                cache.TryGet<string>(i < hitPercent ? hot : cold, out _);
            }

            // 6,000 bytes a minute in the last five minutes, none before.
            if (minute > 5)
            {
                cache.Set(cache.CreateKey("p", $"grow{minute}"), "x", CacheFixture.Size(6000));
            }

            time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(11, monitor.GetHistory().Count);
        var trend = monitor.GetHitRatioTrend(TimeSpan.FromMinutes(5));
        Assert.Equal(0.5, trend.Current!.Value, 6);
        Assert.Equal(0.9, trend.Previous!.Value, 6);
        Assert.Equal(-0.4, trend.Change!.Value, 6);
        Assert.Equal(500, trend.CurrentRequests);
        Assert.Equal(500, trend.PreviousRequests);

        Assert.Equal(100.0, monitor.GetByteGrowthRate(TimeSpan.FromMinutes(5))!.Value, 6);
        Assert.Null(monitor.GetByteGrowthRate(TimeSpan.FromMinutes(30)));
        var tooFar = monitor.GetHitRatioTrend(TimeSpan.FromMinutes(6));
        Assert.NotNull(tooFar.Current);
        Assert.Null(tooFar.Previous);
        Assert.Throws<ArgumentOutOfRangeException>("window", () => monitor.GetHitRatioTrend(TimeSpan.Zero));
    }

    [Fact]
    public void UndisposedCache_IsNotKeptAliveByItsSnapshotTimer()
    {
        var time = new FakeTimeProvider();
        var weak = CreateAndDrop(time);
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(IsAlive(weak), "the cache is still reachable");
        time.Advance(TimeSpan.FromMinutes(1)); // the orphaned timer fires once, finds nothing and stops
    }

    /// <summary>Out of line, so that no local of the test's frame holds the target while it collects.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool IsAlive(WeakReference<IFileCache> weak) => weak.TryGetTarget(out _);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference<IFileCache> CreateAndDrop(FakeTimeProvider time)
    {
        var cache = CacheFixture.Create(1000, time, o => o.Statistics.HistoryInterval = TimeSpan.FromSeconds(10));
        cache.Set(cache.CreateKey("p", "a"), "x", CacheFixture.Size(10));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Single(CacheMonitor.For(cache).GetHistory());
        return new WeakReference<IFileCache>(cache);
    }

    [Fact]
    public void History_IsBounded_OldestGoFirst()
    {
        var time = new FakeTimeProvider();
        using var cache = CacheFixture.Create(1000, time, o =>
        {
            o.Statistics.HistoryInterval = TimeSpan.FromSeconds(10);
            o.Statistics.HistoryCapacity = 4;
        });
        var start = time.GetUtcNow();
        for (int i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromSeconds(10));
        }

        var history = CacheMonitor.For(cache).GetHistory();
        Assert.Equal(4, history.Count);
        Assert.Equal(Enumerable.Range(7, 4).Select(i => start.AddSeconds(10 * i)), history.Select(s => s.At));
    }

    [Fact]
    public async Task LatencyPercentiles_OfScriptedLoads_WithinABucket()
    {
        var time = new FakeTimeProvider();
        using var cache = CacheFixture.Create(10_000_000, time);
        for (int i = 1; i <= 100; i++)
        {
            int ms = i;
            await cache.GetOrAddAsync(cache.CreateKey("p", $"k{i}"), (_, _) =>
            {
                time.Advance(TimeSpan.FromMilliseconds(ms));
                return ValueTask.FromResult("v");
            }, CacheFixture.Size(1));
        }

        var loads = CacheMonitor.For(cache).GetLatency(CacheOperation.Load);
        Assert.Equal(100, loads.Count);
        Assert.Equal(TimeSpan.FromMilliseconds(100), loads.Max);
        Assert.Equal(TimeSpan.FromMilliseconds(50.5), loads.Mean);
        Assert.InRange(loads.P50.TotalMilliseconds, 50, 50 * 1.125);
        Assert.InRange(loads.P90.TotalMilliseconds, 90, 90 * 1.125);
        Assert.InRange(loads.P99.TotalMilliseconds, 99, 100);
        Assert.Equal(0, CacheMonitor.For(cache).GetLatency(CacheOperation.Invalidation).Count);
    }

    [Fact]
    public void EntrySizes_FollowWhatIsHeld()
    {
        using var cache = CacheFixture.Create(10_000_000);
        for (int i = 0; i < 90; i++)
        {
            cache.Set(cache.CreateKey("p", $"small{i}"), "x", CacheFixture.Size(100));
        }

        for (int i = 0; i < 10; i++)
        {
            cache.Set(cache.CreateKey("p", $"large{i}"), "x", CacheFixture.Size(100_000));
        }

        var monitor = CacheMonitor.For(cache);
        var sizes = monitor.GetEntrySizes();
        Assert.Equal(100, sizes.Count);
        Assert.Equal((90 * 100) + (10 * 100_000), sizes.TotalBytes);
        Assert.InRange(sizes.P50, 100, 112);
        Assert.InRange(sizes.P99, 100_000, 112_500);
        Assert.Equal(90, sizes.Buckets[0].Count);

        cache.InvalidateProject("p");
        Assert.Equal(0, monitor.GetEntrySizes().Count);
        Assert.Empty(monitor.GetEntrySizes().Buckets);
        Assert.Equal(1, monitor.GetLatency(CacheOperation.Invalidation).Count);
    }
}
