using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Peers.Tests.Routing;

public sealed class HotKeyTests : IDisposable
{
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task ReadAsync_KeyCrossesTheRateThreshold_MirroredThenServedLocally()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var membership = new TestMembership();
        await using var owner = await PeerTestNode.StartAsync("owner", _root.Path, membership);
        await using var caller = await PeerTestNode.StartAsync("caller", _root.Path, membership, o => o.HotKeyThreshold = 3,
            services: s => s.AddSingleton<TimeProvider>(time));
        membership.Set([owner.Node, caller.Node]);
        string path = PeerCluster.PathsOwnedBy(owner.Peers.Placement, "owner").First();
        _root.Write(path, "hot");

        // Below the threshold: fetched from the owner on each read, served, not kept.
        for (int i = 1; i <= 2; i++)
        {
            Assert.Equal("hot", Encoding.UTF8.GetString((await caller.Cache.ReadAsync("p", path)).Content.Span));
            Assert.Equal(i, caller.Stats().Forwarded);
            Assert.Equal(i, caller.Stats().NotMirrored);
        }

        // The third request within the second: hot, kept; the next read is a local hit.
        await caller.Cache.ReadAsync("p", path);
        Assert.Equal(1, caller.Stats().Mirrored);
        await caller.Cache.ReadAsync("p", path);
        Assert.Equal(3, caller.Stats().Forwarded);
        Assert.Equal(0, caller.DiskLoads);
        Assert.Equal(1, owner.DiskLoads);

        // The mirrored copy is an ordinary entry: an invalidation removes it, and the bytes it held are released.
        Assert.Equal(3, caller.Router().Mirror.MirroredBytes);
        caller.Cache.Remove("p", path);
        Assert.Equal(0, caller.Router().Mirror.MirroredBytes);
    }

    [Fact]
    public async Task ReadAsync_HotKeysBeyondTheMirrorShare_ServedButNotKept()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var membership = new TestMembership();
        await using var owner = await PeerTestNode.StartAsync("owner", _root.Path, membership);

        // 64 MiB budget x 0.0001 = 6,710 bytes of mirrors: one 4,000-byte file fits, a second does not.
        await using var caller = await PeerTestNode.StartAsync("caller", _root.Path, membership, o =>
        {
            o.HotKeyThreshold = 1;
            o.MirrorBudgetShare = 0.0001;
        }, services: s => s.AddSingleton<TimeProvider>(time));
        membership.Set([owner.Node, caller.Node]);
        var paths = PeerCluster.PathsOwnedBy(owner.Peers.Placement, "owner").Take(2).ToList();
        paths.ForEach(p => _root.Write(p, new string('h', 4000)));

        await caller.Cache.ReadAsync("p", paths[0]);
        await caller.Cache.ReadAsync("p", paths[1]);
        Assert.Equal(1, caller.Stats().Mirrored);
        Assert.Equal(1, caller.Stats().NotMirrored);
        Assert.Equal(4000, caller.Router().Mirror.MirroredBytes);
        Assert.True(caller.Cache.TryGetContentLength(caller.Cache.CreateKey("p", paths[0]), out _));
        Assert.False(caller.Cache.TryGetContentLength(caller.Cache.CreateKey("p", paths[1]), out _));

        // Room again once the first leaves: the second is kept at its next read.
        caller.Cache.Remove("p", paths[0]);
        await caller.Cache.ReadAsync("p", paths[1]);
        Assert.Equal(2, caller.Stats().Mirrored);
        Assert.True(caller.Cache.TryGetContentLength(caller.Cache.CreateKey("p", paths[1]), out _));
    }
}
