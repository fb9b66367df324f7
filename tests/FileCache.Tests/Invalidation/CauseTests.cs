using FileCache.Invalidation;
using Microsoft.Extensions.Time.Testing;
using static FileCache.Tests.Invalidation.InvalidationFixture;

namespace FileCache.Tests.Invalidation;

/// <summary>Every invalidation is counted under its cause (the others are asserted where they arise: watcher, overflow, hook, cascade, version mismatch).</summary>
public sealed class CauseTests
{
    [Fact]
    public void Expiration_IsCountedAsExpiry()
    {
        var time = new FakeTimeProvider();
        using var cache = Create(time);
        var key = cache.CreateKey("p", "a");
        cache.Set(key, "v", new FileCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) });

        time.Advance(TimeSpan.FromMinutes(1));

        Assert.False(Has(cache, key));
        var stats = cache.GetStatistics().Invalidation!;
        Assert.Equal(1, stats.GetCount(InvalidationCause.Expiry));
        Assert.Equal(0, stats.GetCount(InvalidationCause.Explicit));
    }

    [Fact]
    public void RemoveAndInvalidateProject_AreCountedAsExplicit()
    {
        using var cache = Create();
        var a = Put(cache, "a");
        Put(cache, "b");
        Put(cache, "c");

        cache.Remove(a);
        Assert.Equal(2, cache.InvalidateProject("p"));

        var stats = cache.GetStatistics().Invalidation!;
        Assert.Equal(3, stats.GetCount(InvalidationCause.Explicit));
        Assert.Throws<ArgumentOutOfRangeException>("cause", () => stats.GetCount((InvalidationCause)42));
    }
}
