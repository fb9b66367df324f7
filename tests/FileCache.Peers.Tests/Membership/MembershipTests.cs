using System.Net;
using FileCache.Peers.Membership;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Peers.Tests.Membership;

public sealed class MembershipTests
{
    private static PeerOptions DnsOptions(Func<string, CancellationToken, Task<IPAddress[]>> resolver) => new()
    {
        NodeId = "http://10.0.0.1:8080",
        SharedKey = new byte[32],
        DnsName = "peers.test",
        DnsPort = 8080,
        DnsRefreshInterval = TimeSpan.FromSeconds(10),
        DnsResolver = resolver,
    };

    [Fact]
    public async Task Dns_ReResolvedEveryInterval_NodeThatLeftIsDropped()
    {
        var answers = new Queue<IPAddress[]>([
            [IPAddress.Parse("10.0.0.2"), IPAddress.Parse("10.0.0.1")],
            [IPAddress.Parse("10.0.0.1")],
        ]);
        var calls = 0;
        var called = new SemaphoreSlim(0);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var dns = new DnsPeerMembership(DnsOptions((name, _) =>
        {
            Assert.Equal("peers.test", name);
            Interlocked.Increment(ref calls);
            called.Release();
            return Task.FromResult(answers.Count > 0 ? answers.Dequeue() : [IPAddress.Parse("10.0.0.1")]);
        }), time, NullLogger.Instance);
        dns.Start();
        time.Advance(TimeSpan.Zero);
        Assert.True(await called.WaitAsync(TimeSpan.FromSeconds(10)));
        await WaitForAsync(() => dns.Refreshes >= 1);
        Assert.Equal(["http://10.0.0.1:8080", "http://10.0.0.2:8080"], dns.Members.Select(m => m.Id));

        // Nothing happens before the interval; after it, the name is resolved again and 10.0.0.2 is gone.
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(1, Volatile.Read(ref calls));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await called.WaitAsync(TimeSpan.FromSeconds(10)));
        await WaitForAsync(() => dns.Refreshes >= 2);
        Assert.Equal(["http://10.0.0.1:8080"], dns.Members.Select(m => m.Id));
    }

    [Fact]
    public async Task Dns_ResolverFails_KeepsTheLastView()
    {
        bool fail = false;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var dns = new DnsPeerMembership(DnsOptions((_, _) => fail ? throw new System.Net.Sockets.SocketException() : Task.FromResult(new[] { IPAddress.Parse("10.0.0.3") })), time, NullLogger.Instance);
        await dns.RefreshAsync();
        fail = true;
        await dns.RefreshAsync();
        Assert.Equal(["http://10.0.0.3:8080"], dns.Members.Select(m => m.Id));
    }

    [Fact]
    public async Task Cluster_MembersWithAddresses_NodeWhoseLeaseExpiredIsDropped()
    {
        var cluster = new ListCluster { Members = [new("b", "http://127.0.0.1:2/"), new("a", "http://127.0.0.1:1/"), new("no-address", null)] };
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var membership = new ClusterPeerMembership(cluster, new PeerOptions { MembershipRefreshInterval = TimeSpan.FromSeconds(1) }, time, NullLogger.Instance);
        await membership.RefreshAsync();
        Assert.Equal(["a", "b"], membership.Members.Select(m => m.Id));

        // The member table no longer lists b (its lease ran out on the server): the next read drops it.
        cluster.Members = [new("a", "http://127.0.0.1:1/")];
        await membership.RefreshAsync();
        Assert.Equal(["a"], membership.Members.Select(m => m.Id));
    }

    [Fact]
    public void AddPeers_StaticMembersFromOptions_PlacementOverThem()
    {
        var services = new ServiceCollection();
        services.AddFileCache(o => o.AddProject("p", Path.GetTempPath())).AddPeers(o =>
        {
            o.NodeId = "a";
            o.SharedKey = new byte[32];
            o.Members.Add(new PeerNode("a", new Uri("http://127.0.0.1:1/")));
            o.Members.Add(new PeerNode("b", new Uri("http://127.0.0.1:2/"), 2));
        });
        using var provider = services.BuildServiceProvider();
        var peers = provider.GetRequiredService<IFileCachePeers>();
        Assert.Equal(["a", "b"], peers.Placement.Nodes.Select(n => n.Id));
        Assert.Equal("a", peers.NodeId);
    }

    [Theory]
    [InlineData("key")]
    [InlineData("source")]
    [InlineData("replicas")]
    [InlineData("timeouts")]
    [InlineData("prefix")]
    public void AddPeers_InvalidOptions_FailAtStartNamingTheField(string broken)
    {
        var services = new ServiceCollection();
        services.AddFileCache(o => o.AddProject("p", Path.GetTempPath())).AddPeers(o =>
        {
            o.NodeId = "a";
            o.SharedKey = broken == "key" ? new byte[8] : new byte[32];
            if (broken != "source")
            {
                o.Members.Add(new PeerNode("a", new Uri("http://127.0.0.1:1/")));
            }

            o.ReplicaCount = broken == "replicas" ? 0 : 1;
            o.CatchUpTimeout = broken == "timeouts" ? TimeSpan.FromSeconds(5) : o.CatchUpTimeout;
            o.PathPrefix = broken == "prefix" ? "peers" : o.PathPrefix;
        });
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PeerOptions>>().Value);
        string expected = broken switch
        {
            "key" => "SharedKey",
            "source" => "membership source",
            "replicas" => "ReplicaCount",
            "timeouts" => "CatchUpTimeout",
            _ => "PathPrefix",
        };
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PeerNode_BadArguments_ThrowNamingThem()
    {
        Assert.Equal("id", Assert.Throws<ArgumentException>(() => new PeerNode(" ", new Uri("http://x/"))).ParamName);
        Assert.Equal("address", Assert.Throws<ArgumentException>(() => new PeerNode("a", new Uri("ftp://x/"))).ParamName);
        Assert.Equal("weight", Assert.Throws<ArgumentException>(() => new PeerNode("a", new Uri("http://x/"), 0)).ParamName);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Yield();
            cts.Token.ThrowIfCancellationRequested();
        }
    }

    private sealed class ListCluster : FileCache.Cluster.IClusterMembership
    {
        public IReadOnlyList<FileCache.Cluster.ClusterMember> Members { get; set; } = [];

        public string NodeId => "a";

        public long AppliedSequence => 0;

        public bool IsHealthy => true;

        public ValueTask<IReadOnlyList<FileCache.Cluster.ClusterMember>> GetMembersAsync(CancellationToken cancellationToken = default) => new(Members);

        public ValueTask<bool> CatchUpAsync(long sequence, CancellationToken cancellationToken = default) => new(true);
    }
}
