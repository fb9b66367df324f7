using FileCache.Eviction;
using FileCache.Storage;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.Eviction;

/// <summary>The adaptive budget, driven by a fake memory source and a fake clock.</summary>
public class MemoryPressureTests
{
    private static DefaultFileCache Create(FakeTimeProvider time, FakeMemory memory, EvictionPolicy policy = EvictionPolicy.Clock)
    {
        var options = new FileCacheOptions
        {
            MaxBytes = 1000,
            ChargeOverheadOnDeclaredSize = false, // sizes in whole units
            Memory = { CheckInterval = TimeSpan.FromSeconds(1), PressureThreshold = 0.85, MinBudgetFraction = 0.25 },
            EvictionPolicy = policy,
        }.AddProject("p", null);
        return new DefaultFileCache(options, time, memory);
    }

    private static void Fill(DefaultFileCache cache)
    {
        for (int i = 0; i < 100; i++)
        {
            Assert.True(cache.Set(cache.CreateKey("p", $"f{i}"), "x", CacheFixture.Size(10)));
        }
    }

    [Theory]
    [InlineData(EvictionPolicy.Clock)]
    [InlineData(EvictionPolicy.TinyLfu)]
    public void Check_HighLoad_ShrinksBudgetAndEvicts_ThenRestoresGradually(EvictionPolicy policy)
    {
        var time = new FakeTimeProvider();
        var memory = new FakeMemory();
        using var cache = Create(time, memory, policy);
        Fill(cache);

        memory.Ratio = 1.0; // at the GC's high-load threshold: the minimum, 25 %
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(250, cache.GetStatistics().Memory.EffectiveBudgetBytes);
        Assert.Equal(1000, cache.GetStatistics().Memory.ConfiguredBudgetBytes);
        var total = cache.GetStatistics().Total;
        Assert.True(total.Bytes <= 250, $"{total.Bytes} bytes held over the shrunk budget");
        Assert.Equal(75, total.Evictions.Capacity);
        CacheFixture.AssertConsistent(cache);

        // Shrunk, the cache also refuses what no longer fits.
        Assert.False(cache.Set(cache.CreateKey("p", "big"), "b", CacheFixture.Size(300)));

        memory.Ratio = 0.5; // pressure gone: a tenth of the configured budget back per check
        var budgets = new List<long>();
        for (int i = 0; i < 9; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            budgets.Add(cache.GetStatistics().Memory.EffectiveBudgetBytes);
        }

        Assert.Equal(new long[] { 350, 450, 550, 650, 750, 850, 950, 1000, 1000 }, budgets);
        Assert.True(cache.Set(cache.CreateKey("p", "big"), "b", CacheFixture.Size(300)));
    }

    [Fact]
    public void Check_LoadBetweenThresholdAndHighLoad_ShrinksProportionally()
    {
        var time = new FakeTimeProvider();
        var memory = new FakeMemory { Ratio = 0.925 }; // halfway from 0.85 to 1.0: budget 1 - 0.5 * 0.75 = 62.5 %
        using var cache = Create(time, memory);
        Fill(cache);

        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(625, cache.GetStatistics().Memory.EffectiveBudgetBytes);
        Assert.True(cache.GetStatistics().Total.Bytes <= 625);
        Assert.Equal(0.925, cache.GetStatistics().Memory.MemoryLoadRatio, 3);
    }

    [Fact]
    public void Check_LoadCrossingAlertThresholds_RaisesOneAlertPerCrossingAndCountsThem()
    {
        var time = new FakeTimeProvider();
        var memory = new FakeMemory();
        using var cache = Create(time, memory);
        var alerts = new List<double>();
        cache.MemoryAlert += (_, e) => alerts.Add(e.Threshold);

        memory.Ratio = 0.95;
        time.Advance(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1)); // still above 0.9: no repeat
        memory.Ratio = 1.2;
        time.Advance(TimeSpan.FromSeconds(1));
        memory.Ratio = 0.5;
        time.Advance(TimeSpan.FromSeconds(1));
        memory.Ratio = 0.91; // re-armed after falling below
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(new[] { 0.9, 1.0, 0.9 }, alerts);
        Assert.Equal(3, cache.GetStatistics().Memory.AlertsRaised);
    }

    [Fact]
    public void Check_Disabled_NeverChangesTheBudget()
    {
        var time = new FakeTimeProvider();
        var memory = new FakeMemory { Ratio = 2.0 };
        var options = new FileCacheOptions { MaxBytes = 1000, Memory = { AdaptToPressure = false } }.AddProject("p", null);
        using var cache = new DefaultFileCache(options, time, memory);

        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(1000, cache.GetStatistics().Memory.EffectiveBudgetBytes);
    }
}

/// <summary>Everything that changes the store at once, on real threads: the counters must still equal a recount.</summary>
public class MemoryManagementStressTests
{
    private sealed class FlappingMemory : IMemoryInfoSource
    {
        private int _reads;

        public MemorySnapshot Read() => new(Interlocked.Increment(ref _reads) % 3 == 0 ? 1_000_000 : 400_000, 1_000_000);
    }

    [Theory]
    [InlineData(EvictionPolicy.Clock)]
    [InlineData(EvictionPolicy.TinyLfu)]
    public void ReadsWritesSweepsAndBudgetChanges_Concurrently_KeepTheStoreConsistent(EvictionPolicy policy)
    {
        var time = new FakeTimeProvider();
        var options = new FileCacheOptions { MaxBytes = 20_000, EvictionPolicy = policy, Compression = { ThresholdBytes = 64 } }.AddProject("p", null);
        using var cache = new DefaultFileCache(options, time, new FlappingMemory());
        var keys = Enumerable.Range(0, 3_000).Select(i => cache.CreateKey("p", $"f{i}.txt")).ToArray();
        byte[] text = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("<Project Sdk=\"Microsoft.NET.Sdk\" />\n", 20)));
        using var stop = new CancellationTokenSource();

        var workers = Enumerable.Range(0, 3).Select(t => new Thread(() =>
        {
            var random = new Random(t);
            var buffer = new byte[4096];
            for (int i = 0; i < 40_000; i++)
            {
                var key = keys[random.Next(keys.Length)];
                switch (random.Next(4))
                {
                    case 0:
                        cache.Set(key, new CachedFile(key, "/p/" + key.Path, text, default, default), new FileCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(1 + random.Next(5)) });
                        break;
                    case 1:
                        cache.Set(key, "value", new FileCacheEntryOptions { Size = 1 + random.Next(50), SlidingExpiration = TimeSpan.FromSeconds(2) });
                        break;
                    case 2:
                        cache.TryCopyContent(key, buffer, out _);
                        break;
                    default:
                        cache.TryGet(key, out CachedFile? _);
                        break;
                }
            }
        })).ToList();
        var chores = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                time.Advance(TimeSpan.FromMilliseconds(700)); // fires the sweeper and the memory check
                cache.SweepExpired();
                cache.CheckMemory();
            }
        });

        workers.ForEach(w => w.Start());
        chores.Start();
        workers.ForEach(w => w.Join());
        stop.Cancel();
        chores.Join();

        CacheFixture.AssertConsistent(cache);
        Assert.True(cache.GetStatistics().Total.Bytes <= cache.GetStatistics().Memory.EffectiveBudgetBytes);
        Assert.True(cache.GetStatistics().Total.Evictions.Expired > 0);
    }
}
