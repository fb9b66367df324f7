using FileCache.Cluster.Tests.Harness;
using Xunit.Abstractions;

namespace FileCache.Cluster.Tests.Scenarios;

/// <summary>
/// The checker fails real runs that break the guarantee: a node that keeps serving its first copy of each file, and
/// nodes without the cluster's coherence (each invalidation acknowledged by its own node only). A checker that cannot
/// fail proves nothing.
/// </summary>
[Collection(ClusterTestGroup.Name)]
public sealed class CheckerCatchesTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_duration = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task NodeServingStaleMemo_CheckerFindsViolations()
    {
        await using ClusterRun run = await ClusterRun.StartAsync(output, new ClusterSettings { Files = 3, ExtraArguments = i => i == 1 ? ["--broken", "stale-memo"] : [] });
        await run.StartReadersAsync();
        await run.RunWorkloadAsync(s_duration);
        CheckReport report = await run.FinishAsync();
        Assert.NotEmpty(report.Violations);
        Assert.All(report.Violations, v => Assert.Equal("n1", v.Read.Node));
    }

    [Fact]
    public async Task NodesWithoutCoherence_CheckerFindsViolations()
    {
        await using ClusterRun run = await ClusterRun.StartAsync(output, new ClusterSettings { Files = 3, Coherent = false, UseL2 = false });
        await run.StartReadersAsync();
        await run.RunWorkloadAsync(s_duration);
        CheckReport report = await run.FinishAsync();
        Assert.Contains(report.Violations, v => v.Kind == HistoryChecker.StaleAfterAck);
    }
}
