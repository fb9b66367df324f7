using System.Text.Json;
using FileCache.Cluster.Tests.Harness;
using Xunit.Abstractions;

namespace FileCache.Cluster.Tests.Scenarios;

/// <summary>
/// A watcher storm (a branch switch) on one node: a thousand files of one directory rewritten at once, seen only by that
/// node's watcher, must reach the log as one directory-level entry (not a thousand), and once an acknowledged
/// invalidation behind it returned, no node may serve an old version of any of them (the checker holds every read that
/// starts afterwards to the new versions).
/// </summary>
[Collection(ClusterTestGroup.Name)]
public sealed class WatcherStormTests(ITestOutputHelper output)
{
    private const int StormFiles = 1000;

    [Fact]
    public async Task WatcherStorm_OnOneNode_OneLogEntry_NoViolations()
    {
        // No periodic revalidation during the run: only the watcher and the log tell the nodes about the storm.
        var settings = new ClusterSettings
        {
            Files = StormFiles * 2,
            ReadersPerNode = 3,
            Revalidation = TimeSpan.FromSeconds(60),
            ExtraArguments = i => i == 0 ? ["--watch"] : [],
        };
        await using ClusterRun run = await ClusterRun.StartAsync(output, settings);
        await run.StartReadersAsync();
        await Task.Delay(1500); // the readers fill every node's cache with the old versions

        string reply = await run.Nodes[0].SendAsync($"storm d0 {StormFiles}", TimeSpan.FromSeconds(60));
        output.WriteLine(reply);
        Assert.StartsWith($"ok files={StormFiles} outcome=acknowledged", reply, StringComparison.Ordinal);

        // The storm is one directory-level entry in the log (besides the acknowledged invalidation behind it, and any
        // version mismatch a read on the watching node found first).
        Assert.Contains(" storms=1 ", reply, StringComparison.Ordinal);
        Assert.EndsWith(" stormEntries=1", reply, StringComparison.Ordinal);
        await Task.Delay(1000); // reads after the acknowledgement, on every node

        CheckReport report = await run.FinishAsync();
        ScenarioSteps.AssertHealthy(report);
        Assert.True(report.Acknowledged >= StormFiles, $"the storm's writes were not in the history: {report}");
        foreach (NodeProcess node in run.Nodes.Skip(1))
        {
            using JsonDocument stats = JsonDocument.Parse((await node.SendAsync("stats"))[3..]);
            Assert.Equal(0, stats.RootElement.GetProperty("published").GetInt64()); // the others only applied
        }
    }
}
