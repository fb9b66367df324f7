using System.IO.Hashing;
using System.Text;
using FileCache.Redis.Internal;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using StackExchange.Redis;

namespace FileCache.Redis.Tests;

public sealed class L2Tests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    private static string NewCluster() => "l" + Guid.NewGuid().ToString("N")[..12];

    private static void WithL2(RedisCoherenceOptions o) => o.UseL2 = true;

    [Fact]
    public async Task Miss_AfterAnotherNodeReadTheFile_IsAnL2Hit()
    {
        using var folder = new TempFolder();
        string text = new('x', 16 * 1024);
        folder.Write("big.txt", text, DateTime.UtcNow.AddMinutes(-5));
        string cluster = NewCluster();
        await using var a = await TestNode.StartAsync(fixture.Server, cluster, folder.Root, WithL2);
        await using var b = await TestNode.StartAsync(fixture.Server, cluster, folder.Root, WithL2);

        await a.Cache.ReadAsync("p", "big.txt");
        var file = await b.Cache.ReadAsync("p", "big.txt");

        Assert.Equal(text, Encoding.UTF8.GetString(file.Content.Span));
        Assert.Equal(1, a.Coherence.GetStatus().L2Misses);
        Assert.Equal(1, b.Coherence.GetStatus().L2Hits);
        Assert.Equal(XxHash128.HashToUInt128(file.Content.Span), file.Version.ContentHash);
    }

    [Fact]
    public async Task CorruptPayload_RejectedByItsHash_CountedAndReloadedFromDisk()
    {
        using var folder = new TempFolder();
        string text = "the real bytes of the file";
        folder.Write("a.txt", text, DateTime.UtcNow.AddMinutes(-5));
        string cluster = NewCluster();
        await using var a = await TestNode.StartAsync(fixture.Server, cluster, folder.Root, WithL2);
        await using var b = await TestNode.StartAsync(fixture.Server, cluster, folder.Root, WithL2);
        await a.Cache.ReadAsync("p", "a.txt");

        // Same length, other bytes: only the hash can tell.
        using var store = new RedisCache(Microsoft.Extensions.Options.Options.Create(new RedisCacheOptions { Configuration = fixture.Server.Configuration }));
        string key = new RedisKeys(cluster).Payload(XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(text)));
        Assert.NotNull(await store.GetAsync(key));
        await store.SetAsync(key, Encoding.UTF8.GetBytes(text.ToUpperInvariant()));

        var file = await b.Cache.ReadAsync("p", "a.txt");

        Assert.Equal(text, Encoding.UTF8.GetString(file.Content.Span));
        var status = b.Coherence.GetStatus();
        Assert.Equal(1, status.HashRejections);
        Assert.Equal(0, status.L2Hits);
    }

    [Fact]
    public async Task InvalidatedFile_PointerTombstoned_OtherNodeReadsTheDisk()
    {
        using var folder = new TempFolder();
        var old = DateTime.UtcNow.AddMinutes(-5);
        folder.Write("a.txt", "one", old);
        string cluster = NewCluster();
        await using var a = await TestNode.StartAsync(fixture.Server, cluster, folder.Root, WithL2);
        await using var b = await TestNode.StartAsync(fixture.Server, cluster, folder.Root, WithL2);
        await a.Cache.ReadAsync("p", "a.txt");

        folder.Write("a.txt", "two", old);   // same length and time: only the invalidation tells
        var result = await a.Cache.InvalidateAsync(FileCache.Invalidation.InvalidationRequest.ForKey(a.Cache.CreateKey("p", "a.txt")));
        var file = await b.Cache.ReadAsync("p", "a.txt");

        Assert.Equal(FileCache.Invalidation.InvalidationAcknowledgement.Acknowledged, result.Acknowledgement);
        Assert.Equal("two", Encoding.UTF8.GetString(file.Content.Span));
        Assert.Equal(0, b.Coherence.GetStatus().L2Hits);
    }

    [Fact]
    public async Task SlowLoader_CannotOverwriteANewerPointer()
    {
        string cluster = NewCluster();
        var keys = new RedisKeys(cluster);
        await using var connection = await fixture.Server.ConnectAsync();
        var db = connection.GetDatabase();
        string field = RedisKeys.PointerField("p", "a.txt");
        string barrier = RedisKeys.ProjectBarrier("p");

        // The slow loader observes the log's sequence, then reads the disk...
        long observed = await GetObservedAsync(db, keys, field, barrier);
        // ...meanwhile the file changes and its invalidation is appended (tombstone with a newer sequence)...
        await db.ScriptEvaluateAsync(Scripts.Append, [keys.Incarnation, keys.Sequence, keys.Log, keys.Pointers, keys.Barriers],
            ["inc", "{}", 100, field, string.Empty, keys.Doorbell.ToString()]);
        // ...and a fresh loader, which observed the invalidation, writes its pointer.
        long fresh = await GetObservedAsync(db, keys, field, barrier);
        Assert.Equal(1L, (long)await db.ScriptEvaluateAsync(Scripts.SetPointer, [keys.Pointers, keys.Barriers], [field, barrier, fresh, "new|3|1"]));

        var refused = (long)await db.ScriptEvaluateAsync(Scripts.SetPointer, [keys.Pointers, keys.Barriers], [field, barrier, observed, "old|3|1"]);

        Assert.Equal(0, refused);
        Assert.StartsWith($"{fresh}|new|", (string?)await db.HashGetAsync(keys.Pointers, field));

        // A directory (project-wide) invalidation raises the barrier: the loader that observed before it is refused too.
        await db.ScriptEvaluateAsync(Scripts.Append, [keys.Incarnation, keys.Sequence, keys.Log, keys.Pointers, keys.Barriers],
            ["inc", "{}", 100, string.Empty, barrier, keys.Doorbell.ToString()]);
        Assert.Equal(0L, (long)await db.ScriptEvaluateAsync(Scripts.SetPointer, [keys.Pointers, keys.Barriers], [field, barrier, fresh, "newer|3|1"]));
    }

    private static async Task<long> GetObservedAsync(IDatabase db, RedisKeys keys, string field, string barrier)
    {
        var r = (RedisResult[])(await db.ScriptEvaluateAsync(Scripts.GetPointer, [keys.Pointers, keys.Barriers, keys.Sequence], [field, barrier]))!;
        return long.Parse((string)r[3]!, System.Globalization.CultureInfo.InvariantCulture);
    }
}
