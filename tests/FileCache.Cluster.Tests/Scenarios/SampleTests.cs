using System.Diagnostics;
using Xunit.Abstractions;

namespace FileCache.Cluster.Tests.Scenarios;

/// <summary>The README's cluster sample runs without set-up, prints its per-node table, and exits by itself.</summary>
[Collection(ClusterTestGroup.Name)]
public sealed class SampleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ClusterSample_ShortRun_PrintsEveryNodeAndExitsByItself()
    {
        string sample = Path.Combine(AppContext.BaseDirectory, "FileCache.Cluster.dll");
        Assert.True(File.Exists(sample), sample);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in (string[])[sample, "--seconds", "4"])
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        string text = await stdout;
        output.WriteLine(text);
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await stderr}");
        string[] last = text.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^3..];
        for (int i = 0; i < 3; i++)
        {
            string[] columns = last[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal($"node-{i + 1}", columns[0]);
            Assert.True(long.Parse(columns[1], System.Globalization.CultureInfo.InvariantCulture) > 0, last[i]); // reads
        }

        Assert.Contains(last, line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[5] != "0"); // some node applied an invalidation

        // The peer layer: owners shown above the table, and some miss answered by its owner.
        Assert.Contains("cluster-wide disk loads", text, StringComparison.Ordinal);
        Assert.Contains("page00->node-", text, StringComparison.Ordinal);
        Assert.Contains(last, line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[10] != "0"); // peer hits
    }
}
