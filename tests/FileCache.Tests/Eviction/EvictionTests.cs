using FileCache.Storage;

namespace FileCache.Tests.Eviction;

public class EvictionTests
{
    private static FileKey[] Fill(IFileCache cache, int count, string project = "p")
    {
        var keys = Enumerable.Range(0, count).Select(i => cache.CreateKey(project, $"f{i}.txt")).ToArray();
        foreach (var key in keys)
        {
            Assert.True(cache.Set(key, key.Path, CacheFixture.Size(1)));
        }

        return keys;
    }

    /// <summary>These tests pin CLOCK's order; the admission policy's choices are tested in TinyLfuPolicyTests.</summary>
    private static void Clock(FileCacheOptions options) => options.EvictionPolicy = EvictionPolicy.Clock;

    [Fact]
    public void Set_BeyondBudget_EvictsLeastRecentlyInsertedFirst()
    {
        using var cache = CacheFixture.Create(10, configure: Clock);
        var removed = new List<FileCacheEntryRemovedEventArgs>();
        cache.EntryRemoved += (_, e) => removed.Add(e);
        var keys = Fill(cache, 10);

        Assert.True(cache.Set(cache.CreateKey("p", "new.txt"), "new", CacheFixture.Size(1)));

        Assert.False(cache.TryGet<string>(keys[0], out _));
        Assert.All(keys.Skip(1), k => Assert.True(cache.TryGet<string>(k, out _)));
        var single = Assert.Single(removed);
        Assert.Equal(keys[0], single.Key);
        Assert.Equal(RemovalReason.Capacity, single.Reason);
        Assert.Equal(1, cache.GetStatistics().Total.Evictions.Capacity);
        CacheFixture.AssertConsistent(cache);
    }

    [Fact]
    public void Set_BeyondBudget_GivesReadEntriesASecondChance()
    {
        using var cache = CacheFixture.Create(10, configure: Clock);
        var keys = Fill(cache, 10);
        Assert.True(cache.TryGet<string>(keys[0], out _));
        Assert.True(cache.TryGet<string>(keys[1], out _));

        cache.Set(cache.CreateKey("p", "new.txt"), "new", CacheFixture.Size(1));

        Assert.True(cache.TryGet<string>(keys[0], out _));
        Assert.True(cache.TryGet<string>(keys[1], out _));
        Assert.False(cache.TryGet<string>(keys[2], out _));
    }

    [Fact]
    public void Set_LargerThanBudget_IsRefusedAndCountedWithoutFlushing()
    {
        using var cache = CacheFixture.Create(10);
        var keys = Fill(cache, 10);

        Assert.False(cache.Set(cache.CreateKey("p", "huge.bin"), new byte[1], CacheFixture.Size(11)));

        var total = cache.GetStatistics().Total;
        Assert.Equal(1, total.Rejected);
        Assert.Equal(10, total.Entries);
        Assert.Equal(0, total.Evictions.Capacity);
        Assert.All(keys, k => Assert.True(cache.TryGet<string>(k, out _)));
    }

    [Fact]
    public void Set_LargerThanMaxEntryBytes_IsRefusedAndOldValueStays()
    {
        using var cache = CacheFixture.Create(100, configure: o => o.MaxEntryBytes = 5);
        var key = cache.CreateKey("p", "a.txt");
        Assert.True(cache.Set(key, "small", CacheFixture.Size(5)));

        Assert.False(cache.Set(key, "big", CacheFixture.Size(6)));

        Assert.True(cache.TryGet<string>(key, out var value));
        Assert.Equal("small", value);
        Assert.Equal(1, cache.GetStatistics().Total.Rejected);
    }

    [Fact]
    public void Set_BeyondProjectQuota_EvictsOnlyThatProject()
    {
        using var cache = CacheFixture.Create(100, configure: o =>
        {
            o.AddProject("small", null, p => p.MaxBytes = 5);
            o.AddProject("big", null);
        });
        var big = Fill(cache, 20, "big");
        var small = Fill(cache, 6, "small");

        var stats = cache.GetStatistics();
        Assert.Equal(5, stats.Projects["small"].Entries);
        Assert.Equal(5, stats.Projects["small"].Bytes);
        Assert.Equal(1, stats.Projects["small"].Evictions.Capacity);
        Assert.Equal(20, stats.Projects["big"].Entries);
        Assert.False(cache.TryGet<string>(small[0], out _));
        Assert.All(big, k => Assert.True(cache.TryGet<string>(k, out _)));
        CacheFixture.AssertConsistent(cache);
    }

    [Fact]
    public void Set_LargerThanQuota_IsRefused()
    {
        using var cache = CacheFixture.Create(100, configure: o => o.AddProject("q", null, p => p.MaxBytes = 5));

        Assert.False(cache.Set(cache.CreateKey("q", "a"), "x", CacheFixture.Size(6)));
        Assert.Equal(1, cache.GetStatistics().Projects["q"].Rejected);
    }

    [Fact]
    public void Set_ExistingKey_ReplacesAndReportsReplaced()
    {
        using var cache = CacheFixture.Create(100);
        var reasons = new List<RemovalReason>();
        cache.EntryRemoved += (_, e) => reasons.Add(e.Reason);
        var key = cache.CreateKey("p", "a.txt");

        cache.Set(key, "one", CacheFixture.Size(3));
        cache.Set(key, "two!", CacheFixture.Size(4));

        Assert.True(cache.TryGet<string>(key, out var value));
        Assert.Equal("two!", value);
        Assert.Equal([RemovalReason.Replaced], reasons);
        var total = cache.GetStatistics().Total;
        Assert.Equal(1, total.Entries);
        Assert.Equal(4, total.Bytes);
        Assert.Equal(1, total.Evictions.Replaced);
    }

    [Fact]
    public void RemoveInvalidateClear_ReportTheirReasons()
    {
        using var cache = CacheFixture.Create(100, projects: ["a", "b"]);
        var reasons = new List<(string Project, RemovalReason Reason)>();
        cache.EntryRemoved += (_, e) => reasons.Add((e.Key.Project, e.Reason));
        var a = Fill(cache, 3, "a");
        Fill(cache, 2, "b");

        Assert.True(cache.Remove(a[0]));
        Assert.False(cache.Remove(a[0]));
        Assert.Equal(2, cache.InvalidateProject("a"));
        cache.Clear();

        Assert.Equal(
            [("a", RemovalReason.Removed), ("a", RemovalReason.Invalidated), ("a", RemovalReason.Invalidated), ("b", RemovalReason.Removed), ("b", RemovalReason.Removed)],
            reasons);
        var stats = cache.GetStatistics();
        Assert.Equal(0, stats.Total.Entries);
        Assert.Equal(0, stats.Total.Bytes);
        Assert.Equal(new FileCache.Statistics.RemovalCounts(0, 0, 1, 0, 2), stats.Projects["a"].Evictions);
        Assert.Equal(4, stats.Projects["a"].Invalidations); // two removals (one found nothing), one project invalidation, one clear
        CacheFixture.AssertConsistent(cache);
    }

    [Fact]
    public void Set_WithoutSize_CountsPayloadPlusOverhead()
    {
        using var cache = CacheFixture.Create(1_000_000);
        cache.Set(cache.CreateKey("p", "a.bin"), new byte[1000]);
        cache.Set(cache.CreateKey("p", "b.txt"), "hello");

        // Payload with its object's header (array: 24 B; string: 22 B + 2 per char, 8-aligned), the entry, and the
        // key's path string (5 chars: 32 B each).
        Assert.Equal(1000 + 24 + 32 + (2 * (DefaultFileCache.EntryOverhead + 32)), cache.GetStatistics().Total.Bytes);
    }

    [Fact]
    public void EntryRemoved_HandlerThatThrows_DoesNotBreakTheCacheOrOtherHandlers()
    {
        using var cache = CacheFixture.Create(1, configure: Clock);
        int seen = 0;
        cache.EntryRemoved += (_, _) => throw new InvalidOperationException("subscriber bug");
        cache.EntryRemoved += (_, _) => seen++;
        var first = cache.CreateKey("p", "a");
        var second = cache.CreateKey("p", "b");
        cache.Set(first, "a", CacheFixture.Size(1));

        Assert.True(cache.Set(second, "b", CacheFixture.Size(1)));

        Assert.Equal(1, seen);
        Assert.True(cache.TryGet<string>(second, out _));
        CacheFixture.AssertConsistent(cache);
    }

    [Fact]
    public void RemoveProject_DropsEntriesAndForgetsProject()
    {
        using var cache = CacheFixture.Create(100, projects: ["a", "b"]);
        Fill(cache, 3, "a");

        Assert.True(cache.RemoveProject("a"));

        Assert.DoesNotContain("a", cache.Projects);
        Assert.Equal(0, cache.Store.Count);
        Assert.Throws<ArgumentException>("project", () => cache.CreateKey("a", "x"));
        Assert.False(cache.RemoveProject("a"));
    }

    [Theory]
    [InlineData(EvictionPolicy.Clock)]
    [InlineData(EvictionPolicy.TinyLfu)]
    public void QuotaAndPlainProjects_EvictRemoveAndDispose_EveryEntryOnce(EvictionPolicy policy)
    {
        // Only a project with a quota keeps its entries on its own list (links on a side object); a plain project's
        // entries are on the global list only. Quota eviction, project removal and disposal must find every entry of
        // either kind, each once.
        var removed = new List<FileCacheEntryRemovedEventArgs>();
        var cache = CacheFixture.Create(1000, configure: o =>
        {
            o.EvictionPolicy = policy;
            o.Projects.First(p => p.Name == "q").MaxBytes = 5;
        }, projects: ["q", "plain", "other"]);
        cache.EntryRemoved += (_, e) => removed.Add(e);
        var quotaKeys = Fill(cache, 8, "q");
        var plainKeys = Fill(cache, 8, "plain");
        var otherKeys = Fill(cache, 3, "other");

        // The quota keeps five of "q" (the first three went, by capacity); the plain projects keep all theirs.
        Assert.Equal(5, cache.GetStatistics().Projects["q"].Entries);
        Assert.Equal(3, removed.Count(e => e.Key.Project == "q" && e.Reason == RemovalReason.Capacity));
        Assert.All(plainKeys, k => Assert.True(cache.TryGet<string>(k, out _)));
        CacheFixture.AssertConsistent(cache);

        Assert.True(cache.RemoveProject("plain"));
        Assert.Equal(8, removed.Count(e => e.Key.Project == "plain"));
        Assert.Equal(8, removed.Where(e => e.Key.Project == "plain").Select(e => e.Key.Path).Distinct().Count());
        Assert.True(cache.RemoveProject("q"));
        Assert.Equal(8, removed.Count(e => e.Key.Project == "q"));
        Assert.All(otherKeys, k => Assert.True(cache.TryGet<string>(k, out _)));
        Assert.Equal(3, cache.Store.Count);
        CacheFixture.AssertConsistent(cache);

        // Disposal empties the last project's partition (no events after disposal, but nothing stays counted).
        var other = cache.FindPartition("other")!;
        cache.Dispose();
        Assert.Equal(0, other.Map.Count);
        Assert.Equal(0, other.Count);
        Assert.Equal(0, cache.Store.Count);
        GC.KeepAlive(quotaKeys);
    }
}
