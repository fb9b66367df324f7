using FileCache.Monitoring;
using FileCache.Storage;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.Statistics;

public class HotKeyTests
{
    private const int KeyCount = 2000;

    /// <summary>Zipf(s) ranks 0..n-1 by inverse CDF over precomputed cumulative weights.</summary>
    private static int[] ZipfRanks(int n, double s, int count, int seed)
    {
        var cumulative = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += 1 / Math.Pow(i + 1, s);
            cumulative[i] = sum;
        }

        var random = new Random(seed);
        var ranks = new int[count];
        for (int i = 0; i < count; i++)
        {
            int index = Array.BinarySearch(cumulative, random.NextDouble() * sum);
            ranks[i] = index < 0 ? ~index : index;
        }

        return ranks;
    }

    /// <summary>Keys in a shuffled order, so rank and insertion order (or name) are unrelated: the planted hot keys are arbitrary.</summary>
    private static FileKey[] PlantedKeys(DefaultFileCache cache, string project, int seed)
    {
        var keys = Enumerable.Range(0, KeyCount).Select(i => cache.CreateKey(project, $"src/file{i:D5}.cs")).ToArray();
        new Random(seed).Shuffle(keys);
        foreach (var key in keys)
        {
            Assert.True(cache.Set(key, "x", CacheFixture.Size(100)));
        }

        return keys;
    }

    [Fact]
    public void ZipfWorkload_TopKeysAreThePlantedOnes()
    {
        using var cache = CacheFixture.Create(10_000_000, new FakeTimeProvider(), o => o.Statistics.HotKeyCount = 16, "repo");
        var keys = PlantedKeys(cache, "repo", seed: 1);
        foreach (int rank in ZipfRanks(KeyCount, 1.0, 400_000, seed: 2))
        {
            Assert.True(cache.TryGet<string>(keys[rank], out _));
        }

        var monitor = CacheMonitor.For(cache);
        var hot = monitor.GetHotKeys(count: 10);
        Assert.Equal(10, hot.Count);

        // The hottest is found first; the five hottest are all in the reported ten.
        Assert.Equal(keys[0], hot[0].Key);
        for (int rank = 0; rank < 5; rank++)
        {
            Assert.Contains(hot, h => h.Key == keys[rank]);
        }

        // Reported order is by estimate; the estimate of the hottest is near its true share (rank 1 of Zipf(1) over
        // 2000 keys is about 12.2% of 400,000 = 48,700 hits), within the sampling error.
        Assert.True(hot.Zip(hot.Skip(1)).All(p => p.First.EstimatedHits >= p.Second.EstimatedHits));
        long trueHits = cache.GetStatistics().Total.Hits * 1220 / 10000;
        Assert.InRange(monitor.EstimateHits(keys[0]), trueHits * 8 / 10, trueHits * 12 / 10);
        Assert.True(monitor.EstimateHits(keys[KeyCount - 1]) < monitor.EstimateHits(keys[0]) / 10);
    }

    [Fact]
    public void PerProjectHotKeys_StayInTheirProject_GlobalMixesBoth()
    {
        using var cache = CacheFixture.Create(10_000_000, new FakeTimeProvider(), null, "a", "b");
        var keysA = PlantedKeys(cache, "a", seed: 3);
        var keysB = PlantedKeys(cache, "b", seed: 4);
        var ranks = ZipfRanks(KeyCount, 1.1, 300_000, seed: 5);
        for (int i = 0; i < ranks.Length; i++)
        {
            // Project b gets three times the traffic of a.
            Assert.True(cache.TryGet<string>(i % 4 == 0 ? keysA[ranks[i]] : keysB[ranks[i]], out _));
        }

        var monitor = CacheMonitor.For(cache);
        var hotA = monitor.GetHotKeys("a", 5);
        var hotB = monitor.GetHotKeys("b", 5);
        Assert.All(hotA, h => Assert.Equal("a", h.Key.Project));
        Assert.All(hotB, h => Assert.Equal("b", h.Key.Project));
        Assert.Equal(keysA[0], hotA[0].Key);
        Assert.Equal(keysB[0], hotB[0].Key);

        var global = monitor.GetHotKeys(count: 3);
        Assert.Equal(keysB[0], global[0].Key);
        Assert.Contains(global, h => h.Key == keysA[0] || h.Key == keysB[1]);

        cache.RemoveProject("b");
        Assert.All(monitor.GetHotKeys(count: 10), h => Assert.Equal("a", h.Key.Project));
    }

    [Fact]
    public void ConcurrentHits_SamplingStaysSafe_AndFindsTheHotKey()
    {
        using var cache = CacheFixture.Create(10_000_000, new FakeTimeProvider(), o => o.Statistics.HitSampleRate = 4, "repo");
        var keys = PlantedKeys(cache, "repo", seed: 6);
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            foreach (int rank in ZipfRanks(KeyCount, 1.2, 100_000, seed: 10 + t))
            {
                cache.TryGet<string>(keys[rank], out _);
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.Equal(400_000, cache.GetStatistics().Total.Hits);
        Assert.Equal(keys[0], CacheMonitor.For(cache).GetHotKeys(count: 1)[0].Key);
    }

    [Fact]
    public void PeriodicScan_SamplingDoesNotAliasWithThePeriod()
    {
        // 1,024 keys read in the same order 128 times: taking every 64th hit would sample the same 16 keys forever.
        using var cache = CacheFixture.Create(10_000_000, new FakeTimeProvider(), o => o.Statistics.HitSampleRate = 64, "repo");
        var keys = Enumerable.Range(0, 1024).Select(i => cache.CreateKey("repo", $"f{i}")).ToArray();
        foreach (var key in keys)
        {
            cache.Set(key, "x", CacheFixture.Size(10));
        }

        for (int round = 0; round < 128; round++)
        {
            foreach (var key in keys)
            {
                cache.TryGet<string>(key, out _);
            }
        }

        var monitor = CacheMonitor.For(cache);
        int seen = keys.Count(k => monitor.EstimateHits(k) > 0);
        Assert.True(seen > 800, $"only {seen} of 1024 keys were ever sampled");
    }

    [Fact]
    public void GetHotKeys_BadArguments_Throw()
    {
        using var cache = CacheFixture.Create(1000);
        var monitor = CacheMonitor.For(cache);
        Assert.Throws<ArgumentOutOfRangeException>("count", () => monitor.GetHotKeys(count: 0));
        Assert.Throws<ArgumentException>("project", () => monitor.GetHotKeys("nope"));
        Assert.Throws<ArgumentException>("key", () => monitor.EstimateHits(default));
        Assert.Throws<ArgumentNullException>("cache", () => CacheMonitor.For(null!));
    }
}
