using FileCache.Eviction;
using FileCache.Storage;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.Eviction;

/// <summary>The adaptive budget, driven by a fake memory source and a fake clock.</summary>
public class MemoryPressureTests
{
    private sealed class FakeMemory : IMemoryInfoSource
    {
        public double Ratio { get; set; } = 0.5;

        public MemorySnapshot Read() => new((long)(Ratio * 1_000_000), 1_000_000);
    }

    private static DefaultFileCache Create(FakeTimeProvider time, FakeMemory memory, EvictionPolicy policy = EvictionPolicy.Clock)
    {
        var options = new FileCacheOptions
        {
            MaxBytes = 1000,
            MemoryCheckInterval = TimeSpan.FromSeconds(1),
            MemoryPressureThreshold = 0.85,
            MinBudgetFraction = 0.25,
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

        Assert.Equal(250, cache.GetMemoryStatus().EffectiveBudgetBytes);
        Assert.Equal(1000, cache.GetMemoryStatus().ConfiguredBudgetBytes);
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
            budgets.Add(cache.GetMemoryStatus().EffectiveBudgetBytes);
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

        Assert.Equal(625, cache.GetMemoryStatus().EffectiveBudgetBytes);
        Assert.True(cache.GetStatistics().Total.Bytes <= 625);
        Assert.Equal(0.925, cache.GetMemoryStatus().MemoryLoadRatio, 3);
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
        Assert.Equal(3, cache.GetMemoryStatus().AlertsRaised);
    }

    [Fact]
    public void Check_Disabled_NeverChangesTheBudget()
    {
        var time = new FakeTimeProvider();
        var memory = new FakeMemory { Ratio = 2.0 };
        var options = new FileCacheOptions { MaxBytes = 1000, AdaptToMemoryPressure = false }.AddProject("p", null);
        using var cache = new DefaultFileCache(options, time, memory);

        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(1000, cache.GetMemoryStatus().EffectiveBudgetBytes);
    }
}
