using FileCache.Monitoring;
using FileCache.Statistics;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.Statistics;

/// <summary>
/// The hot-key sketch starts narrow and widens with the entries the cache holds, never past its maximum, keeping the
/// counts it had; a project's sample ring and the hit-latency buckets are made with the first entry (so no hit makes
/// them), and not at all for a project that never held one.
/// </summary>
public class AccessSketchTests
{
    [Fact]
    public void EnsureCapacity_WidensToThePowerOfTwoAtOrAboveTheEntries_NeverPastTheMaximum_NeverNarrower()
    {
        var sketch = new AccessSketch(maxWidth: 4096);
        Assert.Equal(AccessSketch.MinWidth, sketch.Width);

        sketch.EnsureCapacity(AccessSketch.MinWidth);
        Assert.Equal(AccessSketch.MinWidth, sketch.Width);

        sketch.EnsureCapacity(1000);
        Assert.Equal(1024, sketch.Width);

        sketch.EnsureCapacity(10);
        Assert.Equal(1024, sketch.Width);

        sketch.EnsureCapacity(1025);
        Assert.Equal(2048, sketch.Width);

        sketch.EnsureCapacity(1_000_000);
        Assert.Equal(4096, sketch.Width);

        sketch.EnsureCapacity(long.MaxValue);
        Assert.Equal(4096, sketch.Width);
    }

    [Fact]
    public void OneKeyCountedWithoutEnd_NeverWrapsItsSixteenBitCounters()
    {
        var sketch = new AccessSketch(maxWidth: int.MaxValue);
        sketch.EnsureCapacity(long.MaxValue);
        Assert.Equal(AccessSketch.MaxWidth, sketch.Width);

        int previous = 0;
        int halvings = 0;
        for (int i = 0; i < 300_000; i++)
        {
            int estimate = sketch.Increment(12345);

            // Only a halving lowers the count: a 16-bit counter that wrapped would fall to near zero instead.
            Assert.True(estimate > previous || sketch.Halvings > halvings, $"estimate fell from {previous} to {estimate} at {i}");
            Assert.InRange(estimate, 1, 10 * AccessSketch.MaxWidth);
            previous = estimate;
            halvings = sketch.Halvings;
        }

        Assert.True(sketch.Halvings >= 5);
    }

    [Fact]
    public void Widening_KeepsEveryKeysEstimate()
    {
        var sketch = new AccessSketch(maxWidth: 4096);
        var random = new Random(7);
        var hashes = Enumerable.Range(0, 300).Select(_ => random.Next()).ToArray();
        for (int i = 0; i < hashes.Length; i++)
        {
            // Key i is counted i % 7 + 1 times: under the 640 additions that would halve a 64-wide sketch.
            for (int n = 0; n <= i % 7 && i < 80; n++)
            {
                sketch.Increment(hashes[i]);
            }
        }

        Assert.Equal(0, sketch.Halvings);
        var before = hashes.Select(sketch.Estimate).ToArray();
        sketch.EnsureCapacity(3000);
        Assert.Equal(4096, sketch.Width);
        Assert.Equal(before, hashes.Select(sketch.Estimate).ToArray());
        Assert.Equal(0, sketch.Halvings);

        // Never below the truth after widening either.
        for (int i = 0; i < 80; i++)
        {
            Assert.True(sketch.Estimate(hashes[i]) >= (i % 7) + 1);
        }
    }

    [Fact]
    public void CacheSketch_GrowsWithTheEntriesHeld_UpToItsMaximum_AndEmptyProjectsKeepNoRing()
    {
        using var cache = CacheFixture.Create(100_000_000, new FakeTimeProvider(), o => o.Statistics.HitSampleRate = 4, "a", "b", "empty");
        var tracker = cache.HotKeysState;
        var monitor = CacheMonitor.For(cache);
        Assert.Equal(AccessSketch.MinWidth, tracker.SketchWidth);
        Assert.False(cache.PartitionFor("a").Samples!.HasRing);
        Assert.False(cache.LatencyState.Hits.HasBuckets);

        var keys = Enumerable.Range(0, 1500).Select(i => cache.CreateKey("a", $"src/f{i:D5}.cs")).ToArray();
        Assert.True(cache.Set(keys[0], "x", CacheFixture.Size(10)));

        // The first entry makes what a sampled hit writes to: no hit allocates them.
        Assert.True(cache.PartitionFor("a").Samples!.HasRing);
        Assert.True(cache.LatencyState.Hits.HasBuckets);
        Assert.False(cache.PartitionFor("b").Samples!.HasRing);
        foreach (var key in keys.Skip(1))
        {
            Assert.True(cache.Set(key, "x", CacheFixture.Size(10)));
        }

        // A drain (here: a read of the hot keys) fits the sketch to the 1,500 entries held.
        Assert.Empty(monitor.GetHotKeys(count: 5));
        Assert.Equal(2048, tracker.SketchWidth);

        for (int round = 0; round < 20; round++)
        {
            foreach (var key in keys.Take(50))
            {
                Assert.True(cache.TryGet<string>(key, out _));
            }
        }

        var hot = monitor.GetHotKeys("a", count: 5);
        Assert.Equal(5, hot.Count);
        Assert.All(hot, h => Assert.Contains(h.Key, keys.Take(50)));

        foreach (int i in Enumerable.Range(0, 10_000))
        {
            Assert.True(cache.Set(cache.CreateKey("b", $"g{i}"), "y", CacheFixture.Size(10)));
        }

        Assert.Empty(monitor.GetHotKeys("b", count: 5));
        Assert.Equal(HotKeyTracker.MaxSketchWidth, tracker.SketchWidth);
        Assert.True(cache.PartitionFor("b").Samples!.HasRing);
        Assert.False(cache.PartitionFor("empty").Samples!.HasRing);
        Assert.False(cache.LatencyState.Invalidations.HasBuckets);
    }
}
