using System.Text;
using FileCache.Invalidation;
using FileCache.Redis.Coherence;
using FileCache.Redis.Internal;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace FileCache.Redis.Tests;

/// <summary>What the log carries besides the request: the cause it had at the origin, and how a watcher storm is logged.</summary>
public sealed class CauseAndStormTests(RedisFixture fixture, ITestOutputHelper output) : IClassFixture<RedisFixture>
{
    private static string NewCluster() => "t" + Guid.NewGuid().ToString("N")[..12];

    private static string Text(CachedFile file) => Encoding.UTF8.GetString(file.Content.Span);

    private static long Count(IFileCache cache, InvalidationCause cause) => cache.GetStatistics().Invalidation!.GetCount(cause);

    [Fact]
    public async Task RemoteInvalidation_AppliedWithTheCauseItHadAtTheOrigin_VersionMismatch()
    {
        using var folder = new TempFolder();
        folder.Write("a.txt", "one", DateTime.UtcNow.AddMinutes(-5));
        string cluster = NewCluster();

        // a checks every read against the disk; b hears of changes only through the log.
        await using var a = await TestNode.StartAsync(fixture.Server, cluster, folder.Root, configureCache: o =>
        {
            o.Invalidation.Mode = ValidationMode.ValidateOnRead;
            o.Invalidation.ValidationInterval = TimeSpan.Zero;
        });
        await using var b = await TestNode.StartAsync(fixture.Server, cluster, folder.Root);
        await a.Cache.ReadAsync("p", "a.txt");
        await b.Cache.ReadAsync("p", "a.txt");

        folder.Write("a.txt", "two!", DateTime.UtcNow.AddMinutes(-4));
        Assert.Equal("two!", Text(await a.Cache.ReadAsync("p", "a.txt"))); // a's check finds the mismatch, publishes it
        Assert.Equal(1, Count(a.Cache, InvalidationCause.VersionMismatch));

        await Eventually.TrueAsync(() => !b.Cache.TryGetValue("p", "a.txt", out _), "the invalidation reaches b");
        Assert.Equal(1, Count(b.Cache, InvalidationCause.VersionMismatch));
        Assert.Equal(0, Count(b.Cache, InvalidationCause.Explicit));
    }

    [Fact]
    public async Task RemoteInvalidation_ExplicitStaysExplicit_AndAnOverflowCannotBeVetoedRemotely()
    {
        using var folder = new TempFolder();
        folder.Write("a.txt", "one");
        string cluster = NewCluster();
        await using var a = await TestNode.StartAsync(fixture.Server, cluster, folder.Root);
        await using var b = await TestNode.StartAsync(fixture.Server, cluster, folder.Root);
        await b.Cache.ReadAsync("p", "a.txt");

        var result = await a.Cache.InvalidateAsync(InvalidationRequest.ForKey(a.Cache.CreateKey("p", "a.txt")));

        Assert.Equal(InvalidationAcknowledgement.Acknowledged, result.Acknowledgement);
        Assert.Equal(1, Count(b.Cache, InvalidationCause.Explicit));

        // The entry format: cause and deletion travel, and an entry without them (an older node's) reads as explicit.
        var overflow = LogEntry.Read("7:" + """{"n":"x","k":3,"p":"p","c":6,"d":true}""", (_, _, _) => null);
        Assert.Equal((InvalidationCause.Overflow, true), (overflow.Cause, overflow.IsDeletion));
        var old = LogEntry.Read("8:" + """{"n":"x","k":3,"p":"p"}""", (_, _, _) => null);
        Assert.Equal((InvalidationCause.Explicit, false), (old.Cause, old.IsDeletion));
        var unknown = LogEntry.Read("9:" + """{"n":"x","k":3,"p":"p","c":99}""", (_, _, _) => null);
        Assert.Equal(InvalidationCause.Explicit, unknown.Cause);
    }

    [Fact]
    public async Task WatcherStorm_OnOneNode_OneDirectoryEntryInTheLog_AndTheOtherNodeServesNothingStale()
    {
        const int Files = 2000;
        using var folder = new TempFolder();
        for (int i = 0; i < Files; i++)
        {
            folder.Write($"s/f{i}.txt", "v0", DateTime.UtcNow.AddMinutes(-5));
        }

        folder.Write("marker.txt", "m");
        string cluster = NewCluster();
        // A storm is recognized in a debounced batch (StormThreshold events) and then held until it pauses: the first
        // window must see 64 events even on a loaded two-core machine (a file write took a millisecond and more there).
        await using var a = await TestNode.StartAsync(fixture.Server, cluster, folder.Root, configureCache: o =>
        {
            o.Invalidation.Mode = ValidationMode.Watch;
            o.Invalidation.WatcherDebounce = TimeSpan.FromMilliseconds(500);
            o.Invalidation.StormMaxDelay = TimeSpan.FromSeconds(10);
        });
        await using var b = await TestNode.StartAsync(fixture.Server, cluster, folder.Root);
        for (int i = 0; i < Files; i++)
        {
            Assert.Equal("v0", Text(await b.Cache.ReadAsync("p", $"s/f{i}.txt")));
        }

        // a's watcher is up once a read is cached (while the watch is being set up, nothing read is cached).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            await a.Cache.ReadAsync("p", "marker.txt");
            if (a.Cache.TryGetValue("p", "marker.txt", out _))
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "a's watcher never started");
            await Task.Delay(20);
        }

        await a.Cache.SynchronizeAsync("p");
        long before = a.Coherence.GetStatus().Published;
        long firstSequence = b.Coherence.GetStatus().LastAppliedSequence;

        // A branch switch: thousands of files rewritten at once, as fast as the disk takes them.
        for (int i = 0; i < Files; i++)
        {
            folder.Write($"s/f{i}.txt", "v1");
        }

        await a.Cache.SynchronizeAsync("p"); // every event applied on a (and queued for the log, in order)
        var marker = await a.Cache.InvalidateAsync(InvalidationRequest.ForKey(a.Cache.CreateKey("p", "marker.txt")));
        Assert.Equal(InvalidationAcknowledgement.Acknowledged, marker.Acknowledgement); // b applied everything before it

        var entries = await ReadLogAsync(cluster, firstSequence, marker.ClusterSequence);
        output.WriteLine($"storm of {Files} files: {entries.Count} log entries: {string.Join(", ", entries.Take(20).Select(e => $"{e.Request}/{e.Cause}"))}{(entries.Count > 20 ? ", ..." : "")}");
        Assert.Equal(a.Coherence.GetStatus().Published - before - 1, entries.Count);
        var storm = Assert.Single(entries);
        Assert.True(storm.Request is DirectoryInvalidation or ProjectInvalidation, $"the storm was logged as {storm.Request}");
        Assert.True(storm.Cause is InvalidationCause.Watcher or InvalidationCause.Overflow, $"the storm's cause was {storm.Cause}");

        // b serves nothing stale: every file reads as its new version, and b counted the entry under the watcher's cause.
        for (int i = 0; i < Files; i++)
        {
            Assert.Equal("v1", Text(await b.Cache.ReadAsync("p", $"s/f{i}.txt")));
        }

        Assert.Equal(Files, Count(b.Cache, InvalidationCause.Watcher) + Count(b.Cache, InvalidationCause.Overflow));
    }

    private async Task<List<LogEntry.Parsed>> ReadLogAsync(string cluster, long after, long upTo)
    {
        await using var connection = await fixture.Server.ConnectAsync();
        var members = await connection.GetDatabase().SortedSetRangeByScoreAsync(new RedisKeys(cluster).Log, after, upTo - 1, Exclude.Start);
        return [.. members.Select(m => LogEntry.Read((string)m!, (project, path, variant) => null))];
    }
}
