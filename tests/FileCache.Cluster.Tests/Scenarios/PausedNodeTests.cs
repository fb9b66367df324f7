using FileCache.Cluster.Tests.Harness;
using Xunit.Abstractions;

namespace FileCache.Cluster.Tests.Scenarios;

/// <summary>
/// A node paused (SIGSTOP) for twice the lease while the others change a file it holds, made sharp: one file, many
/// readers on the paused node, and each cycle pauses it, writes a new version through another node with an
/// acknowledgement (which returns once the paused node's lease ran out on the server), then resumes it at twice the lease
/// while its readers are due. With the hit-path lease check (the fix under test) the resumed node checks before it
/// serves, every cycle; with <c>--no-lease-check</c> its readers are served on trust until a timer notices, and the
/// checker finds reads that started after the acknowledged write returned and still got the old version. Whether a
/// reader or the lease watchdog runs first after SIGCONT is the scheduler's choice (readers won in about two cycles of
/// three here), so that run repeats the cycle until the checker finds one, at most ten times.
/// </summary>
[Collection(ClusterTestGroup.Name)]
public sealed class PausedNodeTests(ITestOutputHelper output)
{
    private const int Cycles = 4, MaxCyclesWithoutTheCheck = 10;

    private static ClusterSettings Settings(bool leaseCheck) => new()
    {
        Files = 1,
        ReadersPerNode = 6,
        Lease = TimeSpan.FromMilliseconds(1500),
        Revalidation = TimeSpan.FromSeconds(30), // only the lease may catch what the paused node missed
        ExtraArguments = i => i == 2 && !leaseCheck ? ["--no-lease-check"] : [],
    };

    [Fact]
    public async Task NodePausedForTwiceTheLease_ReadOnResume_NoViolations()
    {
        (CheckReport report, int cycles) = await RunAsync(leaseCheck: true);
        ScenarioSteps.AssertHealthy(report);
        Assert.Equal(Cycles, cycles);
    }

    [Fact]
    public async Task NodePausedForTwiceTheLease_WithoutTheLeaseCheck_CheckerFindsViolations()
    {
        (CheckReport report, _) = await RunAsync(leaseCheck: false);
        Assert.Contains(report.Violations, v => v.Kind == HistoryChecker.StaleAfterAck && v.Read.Node == "n2");
    }

    private async Task<(CheckReport Report, int Cycles)> RunAsync(bool leaseCheck, [System.Runtime.CompilerServices.CallerMemberName] string scenario = "")
    {
        ClusterSettings settings = Settings(leaseCheck);
        await using ClusterRun run = await ClusterRun.StartAsync(output, settings);
        await run.StartReadersAsync();
        string file = run.Files[0];
        NodeProcess paused = run.Nodes[2];
        int cycles = 0, attempts = 0, target = leaseCheck ? Cycles : MaxCyclesWithoutTheCheck;
        while (cycles < target && attempts++ < target + 4)
        {
            // The paused node has read the current version (its readers are busy): it holds it in its cache.
            await Task.Delay(300);
            var pausedAt = System.Diagnostics.Stopwatch.StartNew();
            paused.Pause();
            string reply = await run.Nodes[attempts % 2].SendAsync($"write {file} ack");
            Assert.StartsWith("ok", reply, StringComparison.Ordinal);
            output.WriteLine($"cycle {cycles}: write returned {pausedAt.ElapsedMilliseconds} ms after the pause: {reply}");
            TimeSpan rest = settings.Lease * 2 - pausedAt.Elapsed;
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest);
            }

            paused.Resume();

            // A write the writer could not get acknowledged (its own lease late on a loaded machine) promised nothing: the
            // cycle proves nothing either way and is made again.
            cycles += reply.Contains("outcome=acknowledged", StringComparison.Ordinal) ? 1 : 0;
            await Task.Delay(300);
            if (!leaseCheck && run.CheckSoFar().Violations.Count > 0)
            {
                break;
            }
        }

        await run.AssertRecoversAsync();
        return (await run.FinishAsync(scenario: scenario), cycles);
    }
}
