using FileCache.Cluster.Tests.Harness;
using Xunit.Abstractions;

namespace FileCache.Cluster.Tests.Scenarios;

/// <summary>The cluster tests run one at a time: each starts a server and several node processes on two cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterTestGroup
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Cluster";
}

/// <summary>
/// The scenarios: three node processes over one folder, writes acknowledged through random nodes while every node
/// reads in the background, a fault in the middle, and the checker over every history at the end (0 violations). Each
/// runs a few seconds; <c>FILECACHE_SOAK_SECONDS</c> makes each workload that long. The server is embedded Garnet, or
/// the one <c>FILECACHE_REDIS</c> names (CI runs them again against Debian's redis-server).
/// </summary>
[Collection(ClusterTestGroup.Name)]
public sealed class ScenarioTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_duration = ClusterRun.Duration(TimeSpan.FromSeconds(4));

    [Fact]
    public async Task ThreeNodes_NoFaults_NoViolations()
    {
        await using ClusterRun run = await ClusterRun.StartAsync(output);
        CheckReport report = await run.ReadWriteAndCheckAsync(s_duration);
        Assert.Equal(0, report.NotAcknowledged);
    }

    [Fact]
    public async Task NodeKilledAndRestarted_NoViolations()
    {
        await using ClusterRun run = await ClusterRun.StartAsync(output);
        await run.ReadWriteAndCheckAsync(s_duration, recovers: true, during: ScenarioSteps.FaultForAWhile(
            s_duration,
            s_duration / 3,
            () => run.Nodes[2].KillAsync(),
            async () =>
            {
                await run.Nodes[2].RestartAsync();
                await run.Nodes[2].SendAsync($"readers {run.Settings.ReadersPerNode}");
            }));
    }

    [Fact]
    public async Task NodeCutOffFromServerThenHealed_NoViolations()
    {
        await using ClusterRun run = await ClusterRun.StartAsync(output);
        await run.ReadWriteAndCheckAsync(s_duration, recovers: true, during: ScenarioSteps.FaultForAWhile(
            s_duration,
            s_duration / 3,
            () => Run(run.Links[2].BlackHole),
            () => Run(run.Links[2].Heal)));
    }

    [Fact]
    public async Task NodeResetFromServerRepeatedly_NoViolations()
    {
        await using ClusterRun run = await ClusterRun.StartAsync(output);
        await run.ReadWriteAndCheckAsync(s_duration, recovers: true, during: async stop =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(s_duration / 5, CancellationToken.None);
                run.Links[1].ResetAll();
            }
        });
    }

    [Fact]
    public async Task NodePausedForTwiceTheLease_NoViolations()
    {
        await using ClusterRun run = await ClusterRun.StartAsync(output);
        await run.ReadWriteAndCheckAsync(s_duration + run.Settings.Lease * 2, recovers: true, during: ScenarioSteps.FaultForAWhile(
            s_duration,
            run.Settings.Lease * 2,
            () => Run(run.Nodes[2].Pause),
            () => Run(run.Nodes[2].Resume)));
    }

    [Fact]
    public async Task ServerRestartedEmpty_NoViolations()
    {
        await using ClusterRun run = await ClusterRun.StartAsync(output);
        await run.ReadWriteAndCheckAsync(s_duration, recovers: true, during: async stop =>
        {
            await Task.Delay(s_duration / 2, CancellationToken.None);
            await run.Server.RestartEmptyAsync();
        });
    }

    [Fact]
    public async Task LostDoorbells_NoViolations_AcksStillReturn()
    {
        await using ClusterRun run = await ClusterRun.StartAsync(output);
        foreach (Faults.FaultProxy link in run.Links)
        {
            link.DropPubSub = true;
        }

        CheckReport report = await run.ReadWriteAndCheckAsync(s_duration);
        Assert.True(run.Links.Sum(l => l.DroppedPushes) > 0, "no doorbell was dropped");
        Assert.Equal(0, report.NotAcknowledged);
    }

    [Fact]
    public async Task ChangeNoNodeObserved_SeenWithinTheRevalidationInterval()
    {
        await using ClusterRun run = await ClusterRun.StartAsync(output);
        await run.StartReadersAsync();
        var random = new Random(7);
        using var stop = new CancellationTokenSource(s_duration);
        while (!stop.IsCancellationRequested)
        {
            run.ChangeUnobserved(run.Files[random.Next(run.Files.Count)]);
            await Task.Delay(200, CancellationToken.None);
        }

        // Let the last changes age past the interval while the readers keep reading.
        await Task.Delay(run.Settings.Revalidation + TimeSpan.FromMilliseconds(500));
        CheckReport report = await run.FinishAsync();
        ScenarioSteps.AssertHealthy(report);
        Assert.True(report.StaleReads > 0, "no read was ever stale: the scenario did not exercise unobserved changes");
        Assert.True(
            report.StalenessMax <= run.Settings.Revalidation + TimeSpan.FromSeconds(1),
            $"a change stayed unseen for {report.StalenessMax}, beyond the revalidation interval {run.Settings.Revalidation} (+1 s of scheduling slack)");
    }

    /// <summary>A synchronous fault step as a task.</summary>
    private static Task Run(Action step)
    {
        step();
        return Task.CompletedTask;
    }
}
