// Every ValueTask here is checked complete before use: a hit completes synchronously, and awaiting would allocate.
#pragma warning disable CA2012
using FileCache.Hybrid;
using Microsoft.Extensions.Caching.Hybrid;

namespace FileCache.Tests.Hybrid;

/// <summary>
/// The FileCache-backed HybridCache hit allocates nothing (it was 32 B: the closure of a lambda capturing the state
/// and factory, allocated on entry even when the lambda was not reached), and counts one hit or one miss per call.
/// </summary>
public sealed class HybridHitAllocationTests
{
    private const int Rounds = 1000;
    private static readonly Func<CancellationToken, ValueTask<string>> Factory = _ => ValueTask.FromResult("value");

    [Fact]
    public async Task GetOrCreate_Hit_WithoutState_AllocatesNothing()
    {
        using var cache = FileCacheFactory.Create(new FileCacheOptions());
        var hybrid = FileHybridCacheFactory.Create(cache);
        await hybrid.GetOrCreateAsync("user/42/profile", Factory);

        Assert.Equal(0, HitBytes(() => hybrid.GetOrCreateAsync("user/42/profile", Factory)));
    }

    [Fact]
    public async Task GetOrCreate_Hit_WithStateAndTags_AllocatesNothing()
    {
        using var cache = FileCacheFactory.Create(new FileCacheOptions());
        var hybrid = FileHybridCacheFactory.Create(cache);
        var state = new Profile(42);
        string[] tags = ["users"];
        await hybrid.GetOrCreateAsync("user/42", state, static (s, _) => ValueTask.FromResult(s), tags: tags);

        Assert.Equal(0, HitBytes(() => hybrid.GetOrCreateAsync("user/42", state, static (s, _) => ValueTask.FromResult(s), tags: tags)));
    }

    [Fact]
    public async Task GetOrCreate_CountsOneMissPerMiss_AndOneHitPerHit()
    {
        using var cache = FileCacheFactory.Create(new FileCacheOptions());
        var hybrid = FileHybridCacheFactory.Create(cache);

        await hybrid.GetOrCreateAsync("a", Factory);
        await hybrid.GetOrCreateAsync("a", Factory);
        await hybrid.GetOrCreateAsync("a", Factory);

        var counters = cache.GetStatistics().Projects[new FileHybridCacheOptions().Project];
        Assert.Equal((2, 1), (counters.Hits, counters.Misses));
    }

    private static long HitBytes(Func<ValueTask<string>> hit) => HitBytes<string>(hit);

    private static long HitBytes<T>(Func<ValueTask<T>> hit)
    {
        // The same call site warms up (JIT, tiering, static lambdas' cached delegates) and is then measured.
        for (int i = 0; i < 100; i++)
        {
            Assert.True(hit().IsCompletedSuccessfully);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Rounds; i++)
        {
            Assert.True(hit().IsCompletedSuccessfully);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private sealed record Profile(int Id);
}
