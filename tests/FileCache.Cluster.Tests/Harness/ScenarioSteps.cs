using System.Runtime.CompilerServices;

namespace FileCache.Cluster.Tests.Harness;

/// <summary>
/// The steps most scenarios share, after their own set-up: readers on every node, the workload with the scenario's
/// fault alongside, the cluster's recovery when the fault may have left it unacknowledged, and the checker's verdict,
/// printed and recorded under the calling test's name.
/// </summary>
public static class ScenarioSteps
{
    /// <summary>Reads and writes for <paramref name="duration"/> with <paramref name="during"/> alongside, then checks every history.</summary>
    /// <param name="run">The started cluster.</param>
    /// <param name="duration">How long the workload runs.</param>
    /// <param name="during">The scenario's faults, given the cancellation of the workload.</param>
    /// <param name="recovers">Whether to wait, before the check, until every live node's writes are acknowledged again.</param>
    /// <param name="scenario">The scenario's name in the reports (the calling test's, by default).</param>
    /// <returns>The checker's report, already asserted healthy.</returns>
    public static async Task<CheckReport> ReadWriteAndCheckAsync(
        this ClusterRun run,
        TimeSpan duration,
        Func<CancellationToken, Task>? during = null,
        bool recovers = false,
        [CallerMemberName] string scenario = "")
    {
        await run.StartReadersAsync();
        await run.RunWorkloadAsync(duration, during);
        if (recovers)
        {
            await run.AssertRecoversAsync();
        }

        CheckReport report = await run.FinishAsync(scenario: scenario);
        AssertHealthy(report);
        return report;
    }

    /// <summary>A fault that starts a third of the way into the workload, holds for <paramref name="hold"/>, and is healed.</summary>
    /// <param name="workload">The workload's duration.</param>
    /// <param name="hold">How long the fault lasts.</param>
    /// <param name="fault">Starts the fault.</param>
    /// <param name="heal">Ends it.</param>
    /// <returns>The fault, to pass as the workload's <c>during</c>.</returns>
    public static Func<CancellationToken, Task> FaultForAWhile(TimeSpan workload, TimeSpan hold, Func<Task> fault, Func<Task> heal) => async _ =>
    {
        await Task.Delay(workload / 3, CancellationToken.None);
        await fault();
        await Task.Delay(hold, CancellationToken.None);
        await heal();
    };

    /// <summary>Asserts that enough reads were checked and that none broke the guarantees (the first violations in the message).</summary>
    /// <param name="report">The checker's report.</param>
    public static void AssertHealthy(CheckReport report)
    {
        Assert.True(report.ReadsChecked > 100, $"too few reads: {report}");
        Assert.True(report.Violations.Count == 0, $"{report}\n{string.Join('\n', report.Violations.Take(10))}");
    }
}
