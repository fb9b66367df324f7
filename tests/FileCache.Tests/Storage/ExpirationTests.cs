using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.Storage;

public class ExpirationTests
{
    [Fact]
    public void TryGet_AfterAbsoluteExpiration_MissesAndReportsExpired()
    {
        var time = new FakeTimeProvider();
        using var cache = CacheFixture.Create(100, time);
        var reasons = new List<RemovalReason>();
        cache.EntryRemoved += (_, e) => reasons.Add(e.Reason);
        var key = cache.CreateKey("p", "a");
        cache.Set(key, "v", new FileCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) });

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.True(cache.TryGet<string>(key, out _));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cache.TryGet<string>(key, out _));

        Assert.Equal([RemovalReason.Expired], reasons);
        var total = cache.GetStatistics().Total;
        Assert.Equal(1, total.Evictions.Expired);
        Assert.Equal(0, total.Entries);
    }

    [Fact]
    public void TryGet_WithinSlidingWindow_RenewsIt()
    {
        var time = new FakeTimeProvider();
        using var cache = CacheFixture.Create(100, time);
        var key = cache.CreateKey("p", "a");
        cache.Set(key, "v", new FileCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(1) });

        for (int i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromSeconds(50));
            Assert.True(cache.TryGet<string>(key, out _));
        }

        time.Advance(TimeSpan.FromSeconds(61));
        Assert.False(cache.TryGet<string>(key, out _));
    }

    [Fact]
    public void Set_WithoutEntryExpiration_UsesOptionDefaults()
    {
        var time = new FakeTimeProvider();
        using var cache = CacheFixture.Create(100, time, o => o.DefaultAbsoluteExpiration = TimeSpan.FromMinutes(5));
        var key = cache.CreateKey("p", "a");
        cache.Set(key, "v", CacheFixture.Size(1));

        time.Advance(TimeSpan.FromMinutes(4));
        Assert.True(cache.TryGet<string>(key, out _));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(cache.TryGet<string>(key, out _));
    }

    [Fact]
    public void Set_WhenFull_RemovesExpiredEntriesAsExpiredBeforeEvictingLiveOnes()
    {
        var time = new FakeTimeProvider();
        using var cache = CacheFixture.Create(2, time);
        var reasons = new List<(string Path, RemovalReason Reason)>();
        cache.EntryRemoved += (_, e) => reasons.Add((e.Key.Path, e.Reason));
        var live = cache.CreateKey("p", "live");
        cache.Set(cache.CreateKey("p", "short"), "s", new FileCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(1) });
        cache.Set(live, "l", CacheFixture.Size(1));
        time.Advance(TimeSpan.FromSeconds(2));

        cache.Set(cache.CreateKey("p", "new"), "n", CacheFixture.Size(1));

        Assert.Equal([("short", RemovalReason.Expired)], reasons);
        Assert.True(cache.TryGet<string>(live, out _));
    }

    [Fact]
    public async Task GetOrAddAsync_AfterExpiration_LoadsAgain()
    {
        var time = new FakeTimeProvider();
        using var cache = CacheFixture.Create(10_000, time);
        var key = cache.CreateKey("p", "a");
        int loads = 0;
        var options = new FileCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(10) };
        ValueTask<string> Load(FileKey k, CancellationToken ct) => new($"v{++loads}");

        Assert.Equal("v1", await cache.GetOrAddAsync(key, Load, options));
        Assert.Equal("v1", await cache.GetOrAddAsync(key, Load, options));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal("v2", await cache.GetOrAddAsync(key, Load, options));
    }
}
