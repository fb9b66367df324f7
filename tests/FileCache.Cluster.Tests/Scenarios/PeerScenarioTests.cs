using System.Globalization;
using System.Text.Json;
using FileCache.Cluster.Tests.Harness;
using Xunit.Abstractions;

namespace FileCache.Cluster.Tests.Scenarios;

/// <summary>
/// The peer layer on the harness: node processes whose misses go to the key's owner over HTTP (each node's endpoint
/// behind its own fault proxy, so peers can be cut off from each other while the server stays reachable), members from
/// the server's member table (or fixed, disagreeing views), no L2 (every load that is not a peer's answer reads the disk).
/// Each scenario ends with the checker over every history: 0 violations.
/// </summary>
[Collection(ClusterTestGroup.Name)]
public sealed class PeerScenarioTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_duration = ClusterRun.Duration(TimeSpan.FromSeconds(4));

    private static ClusterSettings Peers(ClusterSettings? settings = null) => (settings ?? new ClusterSettings()) with { Peers = true, UseL2 = false };

    [Fact]
    public async Task Peers_ThreeNodesNoFaults_OwnersServe_NoViolations()
    {
        await using ClusterRun run = await ClusterRun.StartAsync(output, Peers());
        await WaitForSteadyMembershipAsync(run);
        await run.ReadWriteAndCheckAsync(s_duration);
        var stats = await StatsAsync(run);
        Assert.True(stats.Sum(s => Peer(s, "PeerHits")) > 0, "no read was answered by an owner");
        Assert.Equal(0, stats.Sum(s => s.GetProperty("readFailures").GetInt64()));
    }

    [Fact]
    public async Task Peers_ColdKeyThreeNodesFiftyCallers_LoadedOnceInTheCluster()
    {
        // A long peer timeout: on a loaded machine a slow answer must not turn into a second load.
        await using ClusterRun run = await ClusterRun.StartAsync(output, Peers() with { PeerTimeout = TimeSpan.FromSeconds(10) });
        string path = "cold/key.txt";
        Directory.CreateDirectory(Path.Join(run.Root, "cold"));
        await File.WriteAllBytesAsync(Path.Join(run.Root, path), Payload.Create(path, 0, "seed"));
        await WaitForSteadyMembershipAsync(run, path);
        long before = (await StatsAsync(run)).Sum(s => s.GetProperty("diskLoads").GetInt64());

        string[] replies = await Task.WhenAll(run.Nodes.Select(n => n.SendAsync($"burst {path} 50")));

        Assert.All(replies, r => Assert.Equal("ok reads=50 failed=0", r));
        var stats = await StatsAsync(run);
        long loads = stats.Sum(s => s.GetProperty("diskLoads").GetInt64()) - before;
        output.WriteLine($"cold key read by 3 nodes x 50 callers with peers: {loads} disk load(s) in the cluster; peer hits {stats.Sum(s => Peer(s, "PeerHits"))}, served {stats.Sum(s => Peer(s, "Served"))}");
        Assert.Equal(1, loads);
        ScenarioSteps.AssertHealthy(await run.FinishAsync());
    }

    [Fact]
    public async Task Peers_PartitionBetweenPeersOnly_OwnerCallsTimeOut_LocalFallback_NoViolations()
    {
        await using ClusterRun run = await ClusterRun.StartAsync(output, Peers());
        await WaitForSteadyMembershipAsync(run);
        string ownedByTwo = await FileOwnedByAsync(run, "n2");
        await run.ReadWriteAndCheckAsync(s_duration, async stop =>
        {
            await Task.Delay(s_duration / 4, CancellationToken.None);
            run.PeerLinks[2].BlackHole();

            // A read of a key n2 owns, from n0, while n2 is unreachable by its peers: the owner call times out and the
            // file is read locally, within the peer timeout (plus the disk and the command's round trip).
            await run.Nodes[0].SendAsync($"invalidate {ownedByTwo} ack");
            string reply = await run.Nodes[0].SendAsync($"read {ownedByTwo}");
            Assert.StartsWith("ok", reply, StringComparison.Ordinal);
            double ms = double.Parse(reply.Split("ms=")[1], CultureInfo.InvariantCulture);
            output.WriteLine($"read of {ownedByTwo} from n0 with its owner cut off: {ms:F0} ms (peer timeout {run.Settings.PeerTimeout.TotalMilliseconds} ms)");
            Assert.True(ms < run.Settings.PeerTimeout.TotalMilliseconds + 2000, $"the read took {ms} ms");
            await Task.Delay(s_duration / 2, CancellationToken.None);
            run.PeerLinks[2].Heal();
        });
        var stats = await StatsAsync(run);
        Assert.True(stats.Sum(s => Peer(s, "Fallbacks")) > 0, "no owner call failed over to a local load");
        Assert.Equal(0, stats.Sum(s => s.GetProperty("readFailures").GetInt64()));
    }

    [Fact]
    public async Task Peers_ConflictingMembershipViews_EveryReadCompletes_NoViolations()
    {
        // n0 sees everyone, n1 sees only n1 and n2, n2 sees n0 and n2: owners disagree for many keys.
        var settings = Peers() with { PeerViews = i => i switch { 0 => [0, 1, 2], 1 => [1, 2], _ => [0, 2] } };
        await using ClusterRun run = await ClusterRun.StartAsync(output, settings);
        await run.ReadWriteAndCheckAsync(s_duration, async stop =>
        {
            while (!stop.IsCancellationRequested)
            {
                string[] replies = await Task.WhenAll(run.Nodes.Select(n => n.SendAsync($"burst {run.Files[0]} 20", run.Settings.PeerTimeout * 10)));
                Assert.All(replies, r => Assert.StartsWith("ok reads=20 failed=0", r, StringComparison.Ordinal));
                await Task.Delay(200, CancellationToken.None);
            }
        });
        var stats = await StatsAsync(run);
        output.WriteLine($"misdirected (421) {stats.Sum(s => Peer(s, "Misdirected"))}, peer hits {stats.Sum(s => Peer(s, "PeerHits"))}, fallbacks {stats.Sum(s => Peer(s, "Fallbacks"))}");
        Assert.True(stats.Sum(s => Peer(s, "Misdirected")) > 0, "no request reached a node that disagreed about its owner");
    }

    [Fact]
    public async Task Peers_OwnerLagsOnTheLog_NeverServesAVersionFromBeforeAnInvalidation()
    {
        await using ClusterRun run = await ClusterRun.StartAsync(output, Peers());
        await WaitForSteadyMembershipAsync(run);

        // n1 hears about invalidations late (its link to the server is slow): callers send their applied sequence, so
        // n1 catches up first or answers "behind", and each caller's own version probe refuses an older copy.
        run.Links[1].Latency = TimeSpan.FromMilliseconds(120);
        await run.ReadWriteAndCheckAsync(s_duration);
        var stats = await StatsAsync(run);
        output.WriteLine($"owner behind answers {stats.Sum(s => Peer(s, "OwnerBehind"))}, version refusals {stats.Sum(s => Peer(s, "VersionRejections"))}, peer hits {stats.Sum(s => Peer(s, "PeerHits"))}");
    }

    [Fact]
    public async Task Peers_CorruptedByteInPeerResponses_RejectedByHashAndCounted_NoViolations()
    {
        await using ClusterRun run = await ClusterRun.StartAsync(output, Peers());
        await WaitForSteadyMembershipAsync(run);
        foreach (Faults.FaultProxy link in run.PeerLinks)
        {
            link.CorruptLargeReplies = true;
        }

        await run.ReadWriteAndCheckAsync(s_duration);
        var stats = await StatsAsync(run);
        long rejected = stats.Sum(s => Peer(s, "HashRejections"));
        output.WriteLine($"peer responses corrupted by the proxies {run.PeerLinks.Sum(l => l.Corrupted)}, rejected by hash {rejected}, peer hits {stats.Sum(s => Peer(s, "PeerHits"))}");
        Assert.True(rejected > 0, "no corrupt response was rejected by its hash");
        Assert.Equal(0, stats.Sum(s => s.GetProperty("readFailures").GetInt64()));
    }

    private static long Peer(JsonElement stats, string name) => stats.GetProperty("peers").GetProperty(name).GetInt64();

    private static async Task<JsonElement[]> StatsAsync(ClusterRun run)
    {
        var all = new List<JsonElement>();
        foreach (NodeProcess node in run.Nodes.Where(n => n.IsAlive))
        {
            string reply = await node.SendAsync("stats");
            all.Add(JsonDocument.Parse(reply[3..]).RootElement.Clone());
        }

        return [.. all];
    }

    /// <summary>Waits (30 s at most) until every node sees all members and they agree on the owner of a path.</summary>
    private static async Task WaitForSteadyMembershipAsync(ClusterRun run, string? path = null)
    {
        path ??= run.Files[0];
        var limit = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            string[] replies = await Task.WhenAll(run.Nodes.Select(n => n.SendAsync($"owner {path}")));
            if (replies.All(r => r.EndsWith($"members={run.Nodes.Count}", StringComparison.Ordinal)) && replies.Distinct().Count() == 1)
            {
                return;
            }

            Assert.True(limit.Elapsed < TimeSpan.FromSeconds(30), $"membership not steady: {string.Join(" | ", replies)}");
            await Task.Delay(100);
        }
    }

    private static async Task<string> FileOwnedByAsync(ClusterRun run, string owner)
    {
        foreach (string file in run.Files)
        {
            if ((await run.Nodes[0].SendAsync($"owner {file}")).StartsWith($"ok owner={owner} ", StringComparison.Ordinal))
            {
                return file;
            }
        }

        throw new InvalidOperationException($"no file is owned by {owner}");
    }
}
