using FileCache.Eviction;
using FileCache.Storage;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.Eviction;

/// <summary>The background sweeper, driven by a fake clock: expired entries go without being read, a bounded number per tick.</summary>
public class ExpirationSweeperTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DefaultFileCache Create(FakeTimeProvider time, int perScan = 1000) =>
        CacheFixture.Create(1_000_000, time, o =>
        {
            o.ExpirationScanInterval = TimeSpan.FromSeconds(1);
            o.MaxExpirationsPerScan = perScan;
            o.Memory.AdaptToPressure = false;
        });

    private static FileCacheEntryOptions Expiring(int seconds) => new() { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(seconds) };

    [Fact]
    public void Tick_RemovesExpiredEntriesNobodyReads_AndKeepsTheRest()
    {
        var time = new FakeTimeProvider(Start);
        using var cache = Create(time);
        var removed = new List<RemovalReason>();
        cache.EntryRemoved += (_, e) => removed.Add(e.Reason);
        for (int i = 0; i < 100; i++)
        {
            cache.Set(cache.CreateKey("p", $"short{i}"), "s", Expiring(5));
            cache.Set(cache.CreateKey("p", $"long{i}"), "l", Expiring(60));
            cache.Set(cache.CreateKey("p", $"never{i}"), "n", CacheFixture.Size(1));
        }

        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(300, cache.GetStatistics().Total.Entries);

        time.Advance(TimeSpan.FromSeconds(2));

        var total = cache.GetStatistics().Total;
        Assert.Equal(200, total.Entries);
        Assert.Equal(100, total.Evictions.Expired);
        Assert.Equal(Enumerable.Repeat(RemovalReason.Expired, 100), removed);
        Assert.Equal(100, cache.Store.ExpiringCount);
        CacheFixture.AssertConsistent(cache);
    }

    [Fact]
    public void Tick_RemovesAtMostMaxExpirationsPerScan()
    {
        var time = new FakeTimeProvider(Start);
        using var cache = Create(time, perScan: 10);
        for (int i = 0; i < 35; i++)
        {
            cache.Set(cache.CreateKey("p", $"e{i}"), "e", Expiring(3));
        }

        // One second at a time: FakeTimeProvider runs every tick of a longer jump at the jump's end time.
        time.Advance(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, cache.GetStatistics().Total.Evictions.Expired);
        time.Advance(TimeSpan.FromSeconds(1)); // due now: 10 of 35
        Assert.Equal(10, cache.GetStatistics().Total.Evictions.Expired);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(20, cache.GetStatistics().Total.Evictions.Expired);

        time.Advance(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(35, cache.GetStatistics().Total.Evictions.Expired);
        Assert.Equal(0, cache.GetStatistics().Total.Entries);
    }

    [Fact]
    public void Tick_SlidingEntryKeptAliveByReads_IsNotSwept()
    {
        var time = new FakeTimeProvider(Start);
        using var cache = Create(time);
        var key = cache.CreateKey("p", "sliding");
        cache.Set(key, "v", new FileCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromSeconds(10) });

        for (int i = 0; i < 6; i++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            Assert.True(cache.TryGet<string>(key, out _));
        }

        time.Advance(TimeSpan.FromSeconds(12));

        Assert.Equal(1, cache.GetStatistics().Total.Evictions.Expired);
        Assert.Equal(0, cache.GetStatistics().Total.Entries);
    }

    [Fact]
    public void Sweep_LooksOnlyAtDueBuckets_NotTheWholeCache()
    {
        var index = new ExpiryIndex(bucketTicks: 100);
        var partition = new Partition(new FileCacheProjectOptions { Name = "p" }, null);
        var late = Enumerable.Range(0, 10_000).Select(i => NewEntry(partition, $"late{i}", expiresAt: 1_000_000)).ToList();
        var due = Enumerable.Range(0, 10).Select(i => NewEntry(partition, $"due{i}", expiresAt: 150)).ToList();
        late.ForEach(index.Add);
        due.ForEach(index.Add);

        var handed = new List<CacheEntry>();
        int removed = index.Sweep(now: 250, maxEntries: 1_000_000, e => { handed.Add(e); index.Remove(e); });

        Assert.Equal(10, removed);
        Assert.Equal(due, handed);
        Assert.Equal(10, index.LastLooked);
        Assert.Equal(10_000, index.Count);
    }

    private static CacheEntry NewEntry(Partition partition, string path, long expiresAt) =>
        new(new FileKey("p", partition.NameHash, path, null, false), partition.Paths.Place(path, default, out var name), name, partition, null, 1, expiresAt, 0, 0);
}
