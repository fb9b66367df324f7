using System.Text;
using FileCache.Invalidation;
using FileCache.Redis.Internal;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace FileCache.Redis.Tests;

public sealed class CoherenceTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    private static string NewCluster() => "t" + Guid.NewGuid().ToString("N")[..12];

    private static string Text(CachedFile file) => Encoding.UTF8.GetString(file.Content.Span);

    [Fact]
    public async Task InvalidateAsync_TwoNodes_AcknowledgedAndTheOtherNodeReadsTheNewVersion()
    {
        using var folder = new TempFolder();
        folder.Write("a.txt", "one");
        string cluster = NewCluster();
        await using var a = await TestNode.StartAsync(fixture.Server, cluster, folder.Root);
        await using var b = await TestNode.StartAsync(fixture.Server, cluster, folder.Root);
        Assert.Equal("one", Text(await a.Cache.ReadAsync("p", "a.txt")));
        Assert.Equal("one", Text(await b.Cache.ReadAsync("p", "a.txt")));
        Assert.True(b.Cache.TryGetValue("p", "a.txt", out _));

        folder.Write("a.txt", "two!");
        var result = await a.Cache.InvalidateAsync(InvalidationRequest.ForKey(a.Cache.CreateKey("p", "a.txt")));

        Assert.Equal(InvalidationAcknowledgement.Acknowledged, result.Acknowledgement);
        Assert.True(result.ClusterSequence > 0);
        Assert.False(b.Cache.TryGetValue("p", "a.txt", out _));
        Assert.Equal("two!", Text(await b.Cache.ReadAsync("p", "a.txt")));
        Assert.Equal(1, b.Coherence.GetStatus().Applied);
        Assert.Equal(RedisNodeState.Healthy, b.Coherence.GetStatus().State);
    }

    [Fact]
    public async Task InvalidateAsync_FireAndForget_NotAwaitedAndAppliedByTheOthers()
    {
        using var folder = new TempFolder();
        folder.Write("d/x.txt", "x");
        string cluster = NewCluster();
        await using var a = await TestNode.StartAsync(fixture.Server, cluster, folder.Root);
        await using var b = await TestNode.StartAsync(fixture.Server, cluster, folder.Root);
        await b.Cache.ReadAsync("p", "d/x.txt");

        var result = await a.Coherence.InvalidateAsync(InvalidationRequest.ForDirectory("p", "d"), waitForAcknowledgement: false);

        Assert.Equal(InvalidationAcknowledgement.NotAwaited, result.Acknowledgement);
        await Eventually.TrueAsync(() => !b.Cache.TryGetValue("p", "d/x.txt", out _), "the directory invalidation reaches b");
    }

    [Fact]
    public async Task LostDoorbells_PollStillApplies()
    {
        using var folder = new TempFolder();
        folder.Write("a.txt", "one");
        string cluster = NewCluster();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var a = await TestNode.StartAsync(fixture.Server, cluster, folder.Root);
        await using var b = await TestNode.StartAsync(fixture.Server, cluster, folder.Root, time: time, beforeStart: n => n.IgnoreDoorbells = true);
        await b.Cache.ReadAsync("p", "a.txt");

        var invalidation = a.Cache.InvalidateAsync(InvalidationRequest.ForKey(a.Cache.CreateKey("p", "a.txt"))).AsTask();

        // b hears no doorbell: only its poll (on its clock) reads the log.
        while (!invalidation.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.WhenAny(invalidation, Task.Delay(20));
        }

        Assert.Equal(InvalidationAcknowledgement.Acknowledged, (await invalidation).Acknowledgement);
        Assert.False(b.Cache.TryGetValue("p", "a.txt", out _));
        Assert.Equal(1, b.Coherence.GetStatus().Applied);
    }

    [Fact]
    public async Task Gap_DemotesEntries_WhichAreCheckedAgainstTheSourceBeforeBeingServed()
    {
        using var folder = new TempFolder();
        var old = DateTime.UtcNow.AddMinutes(-5);
        folder.Write("a.txt", "one", old);
        string cluster = NewCluster();
        await using var b = await TestNode.StartAsync(fixture.Server, cluster, folder.Root);
        await b.Cache.ReadAsync("p", "a.txt");
        var derived = b.Cache.CreateKey("p", "a.txt", "ast");
        await b.Cache.GetOrAddAsync(derived, (_, _) => ValueTask.FromResult("parsed"));

        // Entries this node never read are gone from the log (trimmed): a gap.
        folder.Write("a.txt", "changed", old.AddMinutes(1));
        await using (var connection = await fixture.Server.ConnectAsync())
        {
            await connection.GetDatabase().StringIncrementAsync(new RedisKeys(cluster).Sequence, 5);
        }

        await b.Coherence.SynchronizeAsync();

        var status = b.Coherence.GetStatus();
        Assert.Equal(1, status.LogGaps);
        Assert.Equal(1, status.Demotions);
        Assert.False(b.Cache.TryGetValue(derived, out _));                   // derived data cannot be checked: dropped
        Assert.Equal("changed", Text(await b.Cache.ReadAsync("p", "a.txt")));  // the file was checked, found changed, reloaded
        Assert.Equal(5, status.LastAppliedSequence);
    }

    [Fact]
    public async Task Demotion_UnchangedFile_KeptAndTrustedAfterItsCheck()
    {
        using var folder = new TempFolder();
        folder.Write("a.txt", "one", DateTime.UtcNow.AddMinutes(-5));
        string cluster = NewCluster();
        await using var b = await TestNode.StartAsync(fixture.Server, cluster, folder.Root);
        var first = await b.Cache.ReadAsync("p", "a.txt");
        await using (var connection = await fixture.Server.ConnectAsync())
        {
            await connection.GetDatabase().StringIncrementAsync(new RedisKeys(cluster).Sequence, 1);
        }

        await b.Coherence.SynchronizeAsync();

        Assert.Same(first, await b.Cache.ReadAsync("p", "a.txt"));
        Assert.Same(first, await b.Cache.ReadAsync("p", "a.txt"));
    }

    [Fact]
    public async Task LeaseExpires_NodeIsDegradedAndVerifiesEveryRead_ThenRecovers()
    {
        using var folder = new TempFolder();
        var old = DateTime.UtcNow.AddMinutes(-5);
        folder.Write("a.txt", "one", old);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        bool serverAway = false;
        await using var b = await TestNode.StartAsync(fixture.Server, NewCluster(), folder.Root, time: time, beforeStart: n => n.RenewFault = () => serverAway);
        await b.Cache.ReadAsync("p", "a.txt");
        serverAway = true;

        time.Advance(TimeSpan.FromSeconds(5));
        await Eventually.TrueAsync(() => b.Coherence.GetStatus().IsDegraded, "the lease runs out");

        var status = b.Coherence.GetStatus();
        Assert.Equal(1, status.LeaseLosses);
        Assert.Equal(TimeSpan.Zero, status.LeaseRemaining);
        Assert.NotNull(status.DegradedReason);
        folder.Write("a.txt", "changed", old.AddMinutes(1));                  // nobody invalidates it
        Assert.Equal("changed", Text(await b.Cache.ReadAsync("p", "a.txt"))); // but a degraded node checks every read
        var result = await b.Cache.InvalidateAsync(InvalidationRequest.ForKey(b.Cache.CreateKey("p", "a.txt")));
        Assert.Equal(InvalidationAcknowledgement.Degraded, result.Acknowledgement);

        serverAway = false;
        time.Advance(TimeSpan.FromSeconds(2));
        await Eventually.TrueAsync(() => b.Coherence.GetStatus().State == RedisNodeState.Healthy, "a renewal brings the node back");
    }

    [Fact]
    public async Task AckTimeout_SilentMember_TimedOut_AndAcknowledgedOnceItsLeaseExpires()
    {
        using var folder = new TempFolder();
        folder.Write("a.txt", "one");
        string cluster = NewCluster();
        await using var a = await TestNode.StartAsync(fixture.Server, cluster, folder.Root, o =>
        {
            o.AcknowledgementTimeout = TimeSpan.FromMilliseconds(300);
            o.LeaseDuration = TimeSpan.FromSeconds(1);
        });
        var keys = new RedisKeys(cluster);
        await using var connection = await fixture.Server.ConnectAsync();
        var db = connection.GetDatabase();
        long serverMs = await ServerMillisecondsAsync(db);
        await db.HashSetAsync(keys.Members, "silent", serverMs + 60_000);   // alive for a minute, never applies anything

        var timedOut = await a.Cache.InvalidateAsync(InvalidationRequest.ForKey(a.Cache.CreateKey("p", "a.txt")));
        Assert.Equal(InvalidationAcknowledgement.TimedOut, timedOut.Acknowledgement);
        Assert.Equal(1, a.Coherence.GetStatus().AcknowledgementTimeouts);

        await db.HashSetAsync(keys.Members, "silent", serverMs - 1);      // its lease ran out

        // For one lease after the cluster's server state was born, members are unknown (it may have restarted empty):
        // nothing is acknowledged then. Wait, on the server's clock, until that lease has passed.
        while (await ServerMillisecondsAsync(db) - serverMs < 1_100)
        {
            await Task.Yield();
        }
        var acknowledged = await a.Cache.InvalidateAsync(InvalidationRequest.ForKey(a.Cache.CreateKey("p", "a.txt")));
        Assert.Equal(InvalidationAcknowledgement.Acknowledged, acknowledged.Acknowledgement);
    }

    [Fact]
    public async Task AppendScript_ConcurrentCallers_GetDistinctConsecutiveSequences()
    {
        string cluster = NewCluster();
        var keys = new RedisKeys(cluster);
        await using var connection = await fixture.Server.ConnectAsync();
        var db = connection.GetDatabase();
        var tasks = Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            var seen = new List<long>();
            for (int i = 0; i < 40; i++)
            {
                var r = (RedisResult[])(await db.ScriptEvaluateAsync(Scripts.Append, [keys.Incarnation, keys.Sequence, keys.Log, keys.Pointers, keys.Barriers],
                    ["inc", $"{{\"w\":{writer},\"i\":{i}}}", 1000, string.Empty, string.Empty, keys.Doorbell.ToString()]))!;
                seen.Add(long.Parse((string)r[1]!, System.Globalization.CultureInfo.InvariantCulture));
            }

            return seen;
        })).ToArray();

        var all = (await Task.WhenAll(tasks)).SelectMany(s => s).Order().ToArray();
        Assert.Equal(Enumerable.Range(1, 320).Select(i => (long)i), all);
        var members = await db.SortedSetRangeByScoreWithScoresAsync(keys.Log);
        Assert.Equal(320, members.Length);
        Assert.All(members, m => Assert.StartsWith(((long)m.Score).ToString(System.Globalization.CultureInfo.InvariantCulture) + ":", (string)m.Element!));
    }

    [Fact]
    public async Task AppendScript_TrimsTheLogToItsMaximum()
    {
        string cluster = NewCluster();
        var keys = new RedisKeys(cluster);
        await using var connection = await fixture.Server.ConnectAsync();
        var db = connection.GetDatabase();
        for (int i = 0; i < 30; i++)
        {
            await db.ScriptEvaluateAsync(Scripts.Append, [keys.Incarnation, keys.Sequence, keys.Log, keys.Pointers, keys.Barriers], ["inc", "{}", 16, string.Empty, string.Empty, keys.Doorbell.ToString()]);
        }

        var scores = (await db.SortedSetRangeByScoreWithScoresAsync(keys.Log)).Select(e => (long)e.Score).ToArray();
        Assert.Equal(Enumerable.Range(15, 16).Select(i => (long)i), scores);
    }

    internal static async Task<long> ServerMillisecondsAsync(IDatabase db)
    {
        var t = (RedisResult[])(await db.ExecuteAsync("TIME"))!;
        return (long.Parse((string)t[0]!, System.Globalization.CultureInfo.InvariantCulture) * 1000) + (long.Parse((string)t[1]!, System.Globalization.CultureInfo.InvariantCulture) / 1000);
    }
}
