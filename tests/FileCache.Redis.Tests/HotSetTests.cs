using FileCache.Redis.Testing;
using FileCache.Redis.Warming;
using FileCache.Warming;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace FileCache.Redis.Tests;

/// <summary>The cluster's hot sets on the server (issue 14, item 6): published by every node, warmed from by a joining one.</summary>
public sealed class HotSetTests(RedisFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<RedisFixture>
{
    private static readonly DateTime Old = DateTime.UtcNow.AddMinutes(-10);

    private static string NewCluster() => "t" + Guid.NewGuid().ToString("N")[..12];

    private static Task<TestNode> StartAsync(RedisTestServer server, string cluster, string root, string? manifests = null, Action<RedisHotSetOptions>? configure = null) =>
        TestNode.StartAsync(server, cluster, root, configureBuilder: b => b
            .AddWarming(o =>
            {
                o.WarmOnStart = false;
                o.ManifestFolder = manifests;
                o.ManifestInterval = Timeout.InfiniteTimeSpan;
            })
            .AddRedisHotSets(configure));

    private static async Task ReadAsync(TestNode node, params string[] paths)
    {
        foreach (string path in paths)
        {
            await node.Cache.ReadAsync("p", path);
        }
    }

    [Fact]
    public async Task JoiningNode_WarmsFromTheClustersHotSet_BeforeItsOwnManifest_SkippingChangedFiles()
    {
        using var folder = new TempFolder();
        using var manifests = new TempFolder();
        for (int i = 0; i < 10; i++)
        {
            folder.Write($"f{i}.txt", $"file {i}", Old);
        }

        folder.Write("own.txt", "only in the joining node's own manifest", Old);
        string cluster = NewCluster();

        // The joining node's own manifest (written by an earlier run of it) names another file.
        await using (var earlier = await StartAsync(fixture.Server, NewCluster(), folder.Root, manifests.Root))
        {
            await ReadAsync(earlier, "own.txt");
            Assert.Equal(2, await earlier.Services.GetRequiredService<IFileCacheWarmer>().SaveHotSetAsync("p")); // manifest + its cluster
        }

        await using var a = await StartAsync(fixture.Server, cluster, folder.Root);
        await ReadAsync(a, [.. Enumerable.Range(0, 10).Select(i => $"f{i}.txt")]);
        Assert.Equal(1, await a.Services.GetRequiredService<IFileCacheWarmer>().SaveHotSetAsync("p"));
        await using (var connection = await fixture.Server.ConnectAsync())
        {
            var store = a.Services.GetRequiredService<RedisHotSetStore>();
            Assert.True(await connection.GetDatabase().HashExistsAsync(store.KeyOf("p"), a.Coherence.NodeId));
        }

        folder.Write("f3.txt", "file 3, changed since the hot set was taken", Old.AddMinutes(1));

        await using var b = await StartAsync(fixture.Server, cluster, folder.Root, manifests.Root);
        var result = await b.Services.GetRequiredService<IFileCacheWarmer>().WarmAsync("p");

        Assert.Equal(10, result.Total);
        Assert.Equal(9, result.Loaded);
        Assert.Equal(1, result.Changed);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(i != 3, b.Cache.TryGetValue("p", $"f{i}.txt", out _));
        }

        Assert.False(b.Cache.TryGetValue("p", "own.txt", out _)); // the cluster's hot set came first
    }

    [Fact]
    public async Task HotSets_PublishedAtShutdown_Bounded_AndMergedAcrossNodes_HotOnSeveralFirst()
    {
        using var folder = new TempFolder();
        foreach (string name in new[] { "a", "b", "c", "d", "e" })
        {
            folder.Write($"{name}.txt", name, Old);
        }

        string cluster = NewCluster();
        await using var first = await StartAsync(fixture.Server, cluster, folder.Root, configure: o => o.MaxEntries = 2);
        await using var second = await StartAsync(fixture.Server, cluster, folder.Root, configure: o => o.MaxEntries = 2);

        // first: c, then a, d read once (cut by the bound of 2); second: b, then c.
        await ReadAsync(first, [.. Enumerable.Repeat("c.txt", 6), .. Enumerable.Repeat("a.txt", 3), "d.txt"]);
        await ReadAsync(second, [.. Enumerable.Repeat("b.txt", 6), .. Enumerable.Repeat("c.txt", 3)]);
        foreach (var node in new[] { first, second })
        {
            var hosted = node.Services.GetServices<IHostedService>().ToArray();
            foreach (var service in hosted)
            {
                await service.StartAsync(CancellationToken.None);
            }

            foreach (var service in hosted)
            {
                await service.StopAsync(CancellationToken.None); // the shutdown snapshot
            }
        }

        var store = first.Services.GetRequiredService<RedisHotSetStore>();
        await using (var connection = await fixture.Server.ConnectAsync())
        {
            var published = await connection.GetDatabase().HashGetAllAsync(store.KeyOf("p"));
            Assert.Equal(2, published.Length);
            foreach (var field in published)
            {
                Assert.True(HotSetManifest.TryParse((byte[])field.Value!, "p", out var set, out _));
                output.WriteLine($"{field.Name}: {string.Join(", ", set.Entries.Select(e => $"{e.Path} ({e.Rank})"))}");
                Assert.Equal(2, set.Entries.Count); // bounded
            }
        }

        var merged = await store.LoadAsync("p");

        Assert.NotNull(merged);
        Assert.Equal(["c.txt", "b.txt"], merged.Entries.Select(e => e.Path)); // c is hot on both; the merge is bounded too
        Assert.All(merged.Entries, e => Assert.NotNull(e.Version));
    }

    [Fact]
    public async Task CorruptForeignOrOldHotSets_IgnoredAndRemoved_TheValidOneUsed()
    {
        using var folder = new TempFolder();
        folder.Write("a.txt", "a", Old);
        string cluster = NewCluster();
        var now = DateTimeOffset.UtcNow;
        await using var node = await TestNode.StartAsync(fixture.Server, cluster, folder.Root, configureBuilder: b => b
            .AddWarming(o => o.WarmOnStart = false)
            .AddRedisHotSets(o => o.MaxAge = TimeSpan.FromHours(1)));
        var store = node.Services.GetRequiredService<RedisHotSetStore>();
        var key = store.KeyOf("p");
        var entry = new HotSetEntry("a.txt", null, new FileVersion(1, Old), 1, 1, []);
        await using (var connection = await fixture.Server.ConnectAsync())
        {
            var db = connection.GetDatabase();
            await db.HashSetAsync(key, "corrupt", new byte[] { 1, 2, 3, 4, 5 });
            var valid = HotSetManifest.Serialize(new HotSet("p", now, [entry]));
            valid[^1] ^= 0xFF;
            await db.HashSetAsync(key, "flipped", valid);
            await db.HashSetAsync(key, "foreign", HotSetManifest.Serialize(new HotSet("q", now, [entry])));
            await db.HashSetAsync(key, "old", HotSetManifest.Serialize(new HotSet("p", now.AddHours(-2), [entry with { Path = "old.txt" }])));
            await db.HashSetAsync(key, "good", HotSetManifest.Serialize(new HotSet("p", now, [entry])));

            var hotSet = await store.LoadAsync("p");

            Assert.Equal(["a.txt"], hotSet!.Entries.Select(e => e.Path));
            Assert.Equal(["good"], (await db.HashKeysAsync(key)).Select(k => k.ToString()));

            await db.HashDeleteAsync(key, "good");
            Assert.Null(await store.LoadAsync("p"));
        }
    }

    [Fact]
    public void Merge_RanksBySumOfPlaces_VersionFromTheMostRecent_BoundedByNodesAndEntries()
    {
        var now = DateTimeOffset.UtcNow;
        HotSetEntry E(string path, long length) => new(path, null, new FileVersion(length, now), 0, length, []);
        var older = new HotSet("p", now.AddMinutes(-2), [E("x", 1), E("y", 1)]);
        var newer = new HotSet("p", now.AddMinutes(-1), [E("y", 2), E("z", 2), E("w", 2)]);
        var oldest = new HotSet("p", now.AddMinutes(-3), [E("q", 3)]);

        var merged = RedisHotSetStore.Merge("p", [older, oldest, newer], maxNodes: 2, maxEntries: 3);

        Assert.Equal(newer.TakenAt, merged.TakenAt);
        Assert.Equal(["y", "x", "z"], merged.Entries.Select(e => e.Path)); // y: 1 + 1/2; x: 1; z: 2/3; w cut; q's node too old
        Assert.Equal(2, merged.Entries[0].Version!.Value.Length);          // y's version from the newer hot set
    }

    [Fact]
    public void Options_Invalid_FailWhenRegistered_NamingTheOption()
    {
        var services = new ServiceCollection();
        var builder = services.AddFileCache(o => o.AddProject("p", Path.GetTempPath()));

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddRedisHotSets(o => o.MaxEntries = 0));
        Assert.Equal("MaxEntries", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddRedisHotSets(o => o.MaxAge = TimeSpan.Zero));
    }
}
