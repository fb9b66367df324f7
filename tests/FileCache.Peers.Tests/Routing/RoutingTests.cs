using System.Text;
using FileCache.Cluster;
using FileCache.Invalidation;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FileCache.Peers.Tests.Routing;

public sealed class RoutingTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task ReadAsync_ColdKeyThreeNodesFiftyCallersEach_LoadedOnceInCluster()
    {
        string content = new('c', 40_000);
        _root.Write("cold.txt", content);
        var nodes = await PeerCluster.StartAsync(3, _root.Path);
        try
        {
            // A slow disk, so that every caller arrives while the first load is under way.
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            foreach (var node in nodes)
            {
                node.BeforeDiskRead = () =>
                {
                    entered.TrySetResult();
                    return gate.Task;
                };
            }

            var reads = nodes.SelectMany(n => Enumerable.Range(0, 50).Select(_ => Task.Run(async () => await n.Cache.ReadAsync("p", "cold.txt")))).ToList();
            await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
            gate.SetResult();
            var files = await Task.WhenAll(reads).WaitAsync(TimeSpan.FromSeconds(30));

            Assert.All(files, f => Assert.Equal(content, Encoding.UTF8.GetString(f.Content.Span)));
            int loads = nodes.Sum(n => n.DiskLoads);
            string owner = nodes[0].Peers.Placement.GetOwner("p", "cold.txt")!.Id;
            output.WriteLine($"cold key, 3 nodes x 50 callers, peers on: {loads} disk load(s) in the cluster (owner {owner}); " +
                string.Join("; ", nodes.Select(n => $"{n.Id}: disk {n.DiskLoads}, peer hits {n.Stats().PeerHits}, served {n.Stats().Served}")));
            Assert.Equal(1, loads);
            Assert.Equal(2, nodes.Sum(n => n.Stats().PeerHits));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ReadAsync_ColdKeyThreeNodesWithoutPeers_LoadedOncePerNode()
    {
        // The comparison row: each node alone in its view owns every key, so each reads the disk.
        _root.Write("cold.txt", new string('c', 40_000));
        var nodes = new List<PeerTestNode>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                var alone = new TestMembership();
                var node = await PeerTestNode.StartAsync($"solo-{i}", _root.Path, alone);
                alone.Set([node.Node]);
                nodes.Add(node);
            }

            await Task.WhenAll(nodes.SelectMany(n => Enumerable.Range(0, 50).Select(_ => Task.Run(async () => await n.Cache.ReadAsync("p", "cold.txt")))));
            int loads = nodes.Sum(n => n.DiskLoads);
            output.WriteLine($"cold key, 3 nodes x 50 callers, peers off: {loads} disk load(s) in the cluster");
            Assert.Equal(3, loads);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ReadAsync_OwnerServes_ResultCarriesVersionAndHash()
    {
        var nodes = await PeerCluster.StartAsync(2, _root.Path, o => { });
        try
        {
            var placement = nodes[0].Peers.Placement;
            string path = PeerCluster.PathsOwnedBy(placement, "node-1").First();
            _root.Write(path, "owned by node-1");
            var file = await nodes[0].Cache.ReadAsync("p", path);
            var onDisk = new FileInfo(Path.Combine(_root.Path, path));

            Assert.Equal("owned by node-1", Encoding.UTF8.GetString(file.Content.Span));
            Assert.Equal(onDisk.Length, file.Version.Length);
            Assert.Equal(onDisk.LastWriteTimeUtc, file.Version.LastWriteTimeUtc.UtcDateTime);
            Assert.Equal(System.IO.Hashing.XxHash128.HashToUInt128(file.Content.Span), file.Version.ContentHash);
            Assert.Equal(0, nodes[0].DiskLoads);
            Assert.Equal(1, nodes[1].DiskLoads);
            Assert.Equal(1, nodes[0].Stats().PeerHits);
            Assert.Equal(1, nodes[1].Stats().Served);

            // The copy is an ordinary entry of the asking node: the next read is a local hit.
            await nodes[0].Cache.ReadAsync("p", path);
            Assert.Equal(1, nodes[0].Stats().Forwarded);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ReadAsync_OwnerHoldsOlderVersion_CallerLoadsTheCurrentOne()
    {
        // The owner does not watch its folder: after the change it still holds the old bytes. The caller's version
        // probe sees the new length and time, refuses the owner's copy and reads the disk.
        var membership = new TestMembership();
        await using var owner = await PeerTestNode.StartAsync("owner", _root.Path, membership, cache: o => o.Invalidation.Mode = ValidationMode.None);
        await using var caller = await PeerTestNode.StartAsync("caller", _root.Path, membership);
        membership.Set([owner.Node, caller.Node]);
        string path = PeerCluster.PathsOwnedBy(owner.Peers.Placement, "owner").First();
        _root.Write(path, "version 1");
        await owner.Cache.ReadAsync("p", path);
        _root.Write(path, "version two, longer");

        var file = await caller.Cache.ReadAsync("p", path);

        Assert.Equal("version two, longer", Encoding.UTF8.GetString(file.Content.Span));
        Assert.Equal(1, caller.Stats().VersionRejections);
        Assert.Equal(1, caller.DiskLoads);
    }

    [Fact]
    public async Task ReadAsync_ConflictingViews_EveryReadCompletesWithoutALoop()
    {
        // a believes b owns everything; b believes a does. Each refuses the other's request (421), so each loads locally.
        var viewOfA = new TestMembership();
        var viewOfB = new TestMembership();
        await using var a = await PeerTestNode.StartAsync("a", _root.Path, viewOfA);
        await using var b = await PeerTestNode.StartAsync("b", _root.Path, viewOfB);
        viewOfA.Set([b.Node]);
        viewOfB.Set([a.Node]);
        var paths = Enumerable.Range(0, 10).Select(i => _root.Write($"conflict{i}.txt", $"file {i}")).ToList();

        var reads = paths.SelectMany(p => Enumerable.Range(0, 10).SelectMany(_ => new[] { a, b }.Select(n => Task.Run(async () => await n.Cache.ReadAsync("p", p))))).ToList();
        var files = await Task.WhenAll(reads).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(200, files.Length);
        Assert.Equal(10, a.DiskLoads);
        Assert.Equal(10, b.DiskLoads);
        Assert.Equal(10, a.Stats().Misdirected);
        Assert.Equal(10, b.Stats().Misdirected);
        Assert.Equal(0, a.Stats().PeerHits + b.Stats().PeerHits);
    }

    [Fact]
    public async Task ReadAsync_OwnerBehindOnTheLog_CallerLoadsLocally_ThenOwnerCaughtUpServes()
    {
        var membership = new TestMembership();
        var ownerLog = new TestCluster { NodeId = "owner", AppliedSequence = 5 };
        var callerLog = new TestCluster { NodeId = "caller", AppliedSequence = 10 };
        await using var owner = await PeerTestNode.StartAsync("owner", _root.Path, membership, services: s => s.AddSingleton<IClusterMembership>(ownerLog));
        await using var caller = await PeerTestNode.StartAsync("caller", _root.Path, membership, services: s => s.AddSingleton<IClusterMembership>(callerLog));
        membership.Set([owner.Node, caller.Node]);
        var paths = PeerCluster.PathsOwnedBy(owner.Peers.Placement, "owner").Take(2).ToList();
        foreach (string p in paths)
        {
            _root.Write(p, "content of " + p);
        }

        // Behind, and cannot catch up: "behind", the caller reads the disk.
        var first = await caller.Cache.ReadAsync("p", paths[0]);
        Assert.Equal("content of " + paths[0], Encoding.UTF8.GetString(first.Content.Span));
        Assert.Equal(1, caller.Stats().OwnerBehind);
        Assert.Equal(1, caller.DiskLoads);
        Assert.Equal(0, owner.DiskLoads);
        Assert.Equal(1, ownerLog.CatchUpCalls);

        // Catching up succeeds: the owner serves.
        ownerLog.CatchUp = _ => true;
        var second = await caller.Cache.ReadAsync("p", paths[1]);
        Assert.Equal("content of " + paths[1], Encoding.UTF8.GetString(second.Content.Span));
        Assert.Equal(1, caller.Stats().PeerHits);
        Assert.Equal(10, ownerLog.AppliedSequence);
    }
}
