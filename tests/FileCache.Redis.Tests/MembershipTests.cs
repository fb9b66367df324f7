using FileCache.Cluster;
using FileCache.Invalidation;
using FileCache.Redis.Internal;

namespace FileCache.Redis.Tests;

/// <summary>The node as an <see cref="IClusterMembership"/> (the seam the peer layer reads), on the embedded server.</summary>
public sealed class MembershipTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    private static string NewCluster() => "m" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task GetMembersAsync_LiveMembersWithTheirAddresses_LeaverAndExpiredDropped()
    {
        using var folder = new TempFolder();
        string cluster = NewCluster();
        await using var a = await TestNode.StartAsync(fixture.Server, cluster, folder.Root, o => o.AdvertisedAddress = "http://127.0.0.1:5001");
        var b = await TestNode.StartAsync(fixture.Server, cluster, folder.Root, o => o.AdvertisedAddress = "http://127.0.0.1:5002");
        IClusterMembership membership = a.Node;

        var members = (await membership.GetMembersAsync()).OrderBy(m => m.Address, StringComparer.Ordinal).ToList();
        Assert.Equal(2, members.Count);
        Assert.Equal(["http://127.0.0.1:5001", "http://127.0.0.1:5002"], members.Select(m => m.Address));
        Assert.Equal(a.Coherence.NodeId, members[0].NodeId);
        Assert.Equal(a.Coherence.NodeId, membership.NodeId);
        Assert.True(membership.IsHealthy);

        // A node that leaves politely is gone at once.
        await b.DisposeAsync();
        Assert.Equal([a.Coherence.NodeId], (await membership.GetMembersAsync()).Select(m => m.NodeId));

        // A member whose lease ran out by the server's clock is not live, whatever its address says.
        var keys = new RedisKeys(cluster);
        await using var connection = await fixture.Server.ConnectAsync();
        var db = connection.GetDatabase();
        long serverMs = await CoherenceTests.ServerMillisecondsAsync(db);
        await db.HashSetAsync(keys.Members, "ghost", serverMs - 1);
        await db.HashSetAsync(keys.Addresses, "ghost", "http://127.0.0.1:5003");
        Assert.DoesNotContain(await membership.GetMembersAsync(), m => m.NodeId == "ghost");
        await db.HashSetAsync(keys.Members, "ghost", serverMs + 60_000);
        Assert.Contains(await membership.GetMembersAsync(), m => m.NodeId == "ghost" && m.Address == "http://127.0.0.1:5003");
    }

    [Fact]
    public async Task CatchUpAsync_ToASequenceAnotherNodeAppended_AppliesTheLog()
    {
        using var folder = new TempFolder();
        folder.Write("a.txt", "one");
        string cluster = NewCluster();
        await using var a = await TestNode.StartAsync(fixture.Server, cluster, folder.Root);

        // b hears no doorbell and polls rarely: only catching up brings it to the sequence a appended.
        await using var b = await TestNode.StartAsync(fixture.Server, cluster, folder.Root, o =>
        {
            o.LeaseDuration = TimeSpan.FromSeconds(60);
            o.PollInterval = TimeSpan.FromSeconds(50);
        }, beforeStart: n => n.IgnoreDoorbells = true);
        await using var connection = await fixture.Server.ConnectAsync();
        var db = connection.GetDatabase();
        var keys = new RedisKeys(cluster);
        IClusterMembership late = b.Node;

        // b's apply loop reads the log once as it starts, then only on its (50 s) poll: an entry appended after that
        // first pass stays unapplied. Append until one is (the first may race with that pass).
        long sequence = 0;
        for (int attempt = 0; attempt < 5 && late.AppliedSequence >= sequence; attempt++)
        {
            await b.Cache.ReadAsync("p", "a.txt");
            Assert.True(b.Cache.TryGetValue("p", "a.txt", out _));
            long before = sequence;
            await a.Coherence.InvalidateAsync(InvalidationRequest.ForKey(a.Cache.CreateKey("p", "a.txt")), waitForAcknowledgement: false);
            await Eventually.TrueAsync(() => (sequence = (long)db.StringGet(keys.Sequence)) > before, "a's invalidation is appended");
        }

        Assert.True(late.AppliedSequence < sequence);

        Assert.True(await late.CatchUpAsync(sequence));
        Assert.True(late.AppliedSequence >= sequence);
        Assert.False(b.Cache.TryGetValue("p", "a.txt", out _));
        Assert.False(await late.CatchUpAsync(sequence + 1000));
    }
}
