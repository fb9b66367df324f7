using FileCache.Cluster.Tests.Harness;
using Xunit.Abstractions;

namespace FileCache.Cluster.Tests.Scenarios;

/// <summary>
/// A node paused (SIGSTOP) for twice the lease while the others change a file it holds, made sharp: one file, many
/// readers on the paused node, and each cycle pauses it, writes a new version through another node with an
/// acknowledgement (which returns once the paused node's lease ran out on the server), then resumes it at twice the lease
/// while its readers are due. With the hit-path lease check (the fix under test) the resumed node checks before it
/// serves; with <c>--no-lease-check</c> its readers are served on trust until a timer notices, and the checker finds
/// reads that started after the acknowledged write returned and still got the old version.
/// </summary>
[Collection(ClusterTestGroup.Name)]
public sealed class PausedNodeTests(ITestOutputHelper output)
{
    private const int Cycles = 3;

    private static ClusterSettings Settings(bool leaseCheck) => new()
    {
        Files = 1,
        ReadersPerNode = 6,
        Lease = TimeSpan.FromMilliseconds(1000),
        Revalidation = TimeSpan.FromSeconds(30), // only the lease may catch what the paused node missed
        ExtraArguments = i => i == 2 && !leaseCheck ? ["--no-lease-check"] : [],
    };

    [Fact]
    public async Task NodePausedForTwiceTheLease_ReadOnResume_NoViolations()
    {
        CheckReport report = await RunAsync(leaseCheck: true);
        ScenarioTests.AssertHealthy(report);
    }

    [Fact]
    public async Task NodePausedForTwiceTheLease_WithoutTheLeaseCheck_CheckerFindsViolations()
    {
        CheckReport report = await RunAsync(leaseCheck: false);
        Assert.Contains(report.Violations, v => v.Kind == HistoryChecker.StaleAfterAck && v.Read.Node == "n2");
    }

    private async Task<CheckReport> RunAsync(bool leaseCheck, [System.Runtime.CompilerServices.CallerMemberName] string scenario = "")
    {
        ClusterSettings settings = Settings(leaseCheck);
        await using ClusterRun run = await ClusterRun.StartAsync(output, settings);
        await run.StartReadersAsync();
        string file = run.Files[0];
        NodeProcess paused = run.Nodes[2];
        for (int cycle = 0; cycle < Cycles; cycle++)
        {
            // The paused node has read the current version (its readers are busy): it holds it in its cache.
            await Task.Delay(300);
            var pausedAt = System.Diagnostics.Stopwatch.StartNew();
            paused.Pause();
            string reply = await run.Nodes[cycle % 2].SendAsync($"write {file} ack");
            Assert.Contains("outcome=acknowledged", reply, StringComparison.Ordinal);
            output.WriteLine($"cycle {cycle}: write acknowledged {pausedAt.ElapsedMilliseconds} ms after the pause: {reply}");
            TimeSpan rest = settings.Lease * 2 - pausedAt.Elapsed;
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest);
            }

            paused.Resume();
        }

        await Task.Delay(500);
        await run.AssertRecoversAsync();
        return await run.FinishAsync(scenario: scenario);
    }
}
