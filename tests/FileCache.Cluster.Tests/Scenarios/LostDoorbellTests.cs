using FileCache.Cluster.Tests.Harness;
using Xunit.Abstractions;

namespace FileCache.Cluster.Tests.Scenarios;

/// <summary>
/// Lost doorbells: every node's link drops what the server pushes on its subscription, so only the log's poll tells the
/// nodes about invalidations. Fire-and-forget invalidations promise staleness bounded by about a poll interval; with
/// the poll (the fix under test) that holds, and with the poll pushed out to almost the lease the checker finds
/// reads beyond the bound. (Acknowledged invalidations cannot be broken this way: without the poll nobody acknowledges,
/// and the writer is told so.)
/// </summary>
[Collection(ClusterTestGroup.Name)]
public sealed class LostDoorbellTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_duration = ClusterRun.Duration(TimeSpan.FromSeconds(4));

    // A long lease and revalidation interval, so that only the poll can bring the changes within the bound.
    private static readonly ClusterSettings s_settings = new()
    {
        Lease = TimeSpan.FromSeconds(20),
        Revalidation = TimeSpan.FromSeconds(30),
        Poll = TimeSpan.FromMilliseconds(100),
    };

    private static readonly TimeSpan s_bound = TimeSpan.FromMilliseconds(1500);

    [Fact]
    public async Task LostDoorbells_FireAndForget_SeenWithinThePollBound()
    {
        CheckReport report = await RunAsync(s_settings);
        ScenarioSteps.AssertHealthy(report);
        Assert.True(report.StaleReads > 0, "no read was stale: the doorbells were not missed");
    }

    [Fact]
    public async Task LostDoorbells_WithoutThePoll_CheckerFindsViolations()
    {
        // One writer: a node that appends learns the log's sequence from its own append, so with every node writing, a
        // loaded machine's slow workload could keep each within the bound by its own writes alone.
        CheckReport report = await RunAsync(s_settings with { Poll = TimeSpan.FromSeconds(19) }, singleWriter: true);
        Assert.Contains(report.Violations, v => v.Kind == HistoryChecker.StaleAfterFireBound);
    }

    private async Task<CheckReport> RunAsync(ClusterSettings settings, bool singleWriter = false, [System.Runtime.CompilerServices.CallerMemberName] string scenario = "")
    {
        await using ClusterRun run = await ClusterRun.StartAsync(output, settings);
        foreach (Faults.FaultProxy link in run.Links)
        {
            link.DropPubSub = true;
        }

        await run.StartReadersAsync();
        await run.RunWorkloadAsync(s_duration, mode: "fire", singleWriter: singleWriter);
        CheckReport report = await run.FinishAsync(s_bound, scenario);
        Assert.True(run.Links.Sum(l => l.DroppedPushes) > 0, "no doorbell was dropped");
        return report;
    }
}
