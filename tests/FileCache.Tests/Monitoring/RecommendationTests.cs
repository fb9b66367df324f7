using FileCache.Monitoring;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.Monitoring;

public class RecommendationTests
{
    [Fact]
    public async Task ThrashingUnderSmallBudget_RecommendsRaisingIt_WithEvidence()
    {
        var time = new FakeTimeProvider();
        using var cache = CacheFixture.Create(1000, time, o =>
        {
            o.Statistics.HistoryInterval = TimeSpan.FromMinutes(1);
            o.EvictionPolicy = EvictionPolicy.Clock; // thrashes deterministically: every read of the cycle misses
        });
        var monitor = CacheMonitor.For(cache);
        monitor.TakeSnapshot();

        // A loop over 20 keys of 100 bytes through a 1,000-byte budget: every read misses and evicts.
        for (int round = 0; round < 10; round++)
        {
            for (int i = 0; i < 20; i++)
            {
                await cache.GetOrAddAsync(cache.CreateKey("p", $"k{i}"), (_, _) => ValueTask.FromResult("v"), CacheFixture.Size(100));
            }
        }

        time.Advance(TimeSpan.FromMinutes(1));
        var recommendation = Assert.Single(monitor.GetRecommendations(), r => r.Code == "raise-budget");
        Assert.Contains("hit ratio 0%", recommendation.Evidence, StringComparison.Ordinal);
        Assert.Equal("hit ratio 0% with 190 capacity evictions a minute over the last 1 minute; 100% of the 1000 B budget in use.", recommendation.Evidence);
        Assert.Contains("MaxBytes", recommendation.Advice, StringComparison.Ordinal);
        Assert.DoesNotContain(monitor.GetRecommendations(), r => r.Code == "lower-budget");
    }

    [Fact]
    public async Task FailingLoads_RecommendLookingIntoThem_WithCounts()
    {
        using var cache = CacheFixture.Create(1_000_000);
        for (int i = 0; i < 30; i++)
        {
            var key = cache.CreateKey("p", $"k{i}");
            try
            {
                await cache.GetOrAddAsync(key, (_, _) => i % 3 == 0 ? throw new IOException("disk") : ValueTask.FromResult("v"), CacheFixture.Size(10));
            }
            catch (IOException)
            {
            }
        }

        var recommendation = Assert.Single(CacheMonitor.For(cache).GetRecommendations(), r => r.Code == "load-failures");
        Assert.Contains("10 of 30 loads failed", recommendation.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void HealthyCache_HasNoRecommendationButAnOversizedBudget()
    {
        using var cache = CacheFixture.Create(100_000_000);
        var key = cache.CreateKey("p", "a");
        cache.Set(key, "x", CacheFixture.Size(1000));
        for (int i = 0; i < 1000; i++)
        {
            cache.TryGet<string>(key, out _);
        }

        var recommendation = Assert.Single(CacheMonitor.For(cache).GetRecommendations());
        Assert.Equal("lower-budget", recommendation.Code);
        Assert.Contains("no capacity eviction since start", recommendation.Evidence, StringComparison.Ordinal);
    }
}
