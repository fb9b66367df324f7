using System.Globalization;
using FileCache.ClusterSample;
using FileCache.Redis;

// Three FileCache nodes over one folder, coherent through an embedded Garnet server. Each node reads files all the
// time; every half second one node changes a file and invalidates it, and waits until every node has applied that.
// Prints, live, per node: reads, hits, L2 hits, disk loads, invalidations applied, acknowledgement latency.
// Usage: dotnet run --project samples/FileCache.Cluster [-- --seconds 15]. Ctrl+C stops it early.
int seconds = args is ["--seconds", var s] ? int.Parse(s, CultureInfo.InvariantCulture) : 12;
using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

string root = Path.Join(Path.GetTempPath(), "filecache-cluster-sample-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(root);
string[] files = [.. Enumerable.Range(0, 40).Select(i => $"page{i:D2}.html")];
foreach (string file in files)
{
    await File.WriteAllTextAsync(Path.Join(root, file), $"<h1>{file}</h1>" + new string('x', 16 * 1024));
}

using var server = new EmbeddedServer();
Console.WriteLine($"Garnet on {server.Endpoint}; 3 nodes over {root}; {seconds} s (Ctrl+C stops)");
SampleNode[] nodes = await Task.WhenAll(Enumerable.Range(1, 3).Select(i => SampleNode.StartAsync($"node-{i}", root, server.Endpoint)));
try
{
    Task[] readers = [.. nodes.Select((node, i) => Task.Run(() => ReadLoopAsync(node, files, i, stop.Token)))];
    Task changes = Task.Run(() => ChangeLoopAsync(nodes, root, files, stop.Token));
    bool live = !Console.IsOutputRedirected;
    while (!stop.IsCancellationRequested)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        Report.Print(nodes, live);
    }

    await Task.WhenAll([.. readers, changes]);
    Report.Print(nodes, live: false);
}
finally
{
    foreach (SampleNode node in nodes)
    {
        await node.DisposeAsync();
    }

    Directory.Delete(root, recursive: true);
}

static async Task ReadLoopAsync(SampleNode node, string[] files, int seed, CancellationToken stop)
{
    var random = new Random(seed);
    while (!stop.IsCancellationRequested)
    {
        // Skewed toward the first pages, like real traffic.
        int index = (int)(files.Length * Math.Pow(random.NextDouble(), 3));
        try
        {
            await node.ReadAsync(files[index], stop);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await Task.Yield();
    }
}

static async Task ChangeLoopAsync(SampleNode[] nodes, string root, string[] files, CancellationToken stop)
{
    var random = new Random(99);
    for (int change = 1; !stop.IsCancellationRequested; change++)
    {
        try
        {
            await Task.Delay(500, stop);
            SampleNode node = nodes[random.Next(nodes.Length)];
            string file = files[random.Next(8)];
            await node.ChangeAsync(root, file, $"<h1>{file}</h1><p>change {change} by {node.Name}</p>", stop);
        }
        catch (OperationCanceledException)
        {
            return;
        }
    }
}

/// <summary>The live table.</summary>
internal static class Report
{
    private static bool s_printed;

    public static void Print(SampleNode[] nodes, bool live)
    {
        if (live && s_printed)
        {
            Console.Write($"\x1b[{nodes.Length + 1}A"); // back over the previous table
        }

        s_printed = true;
        Console.WriteLine($"{"node",-8} {"reads",10} {"hits",10} {"L2 hits",8} {"disk",6} {"applied",8} {"acks",5} {"ack p50",9} {"ack p99",9}  state");
        foreach (SampleNode node in nodes)
        {
            FileCache.Statistics.FileCacheStatistics stats = node.Cache.GetStatistics();
            RedisCoherenceStatus status = node.Coherence.GetStatus();
            long disk = Math.Max(0, stats.Total.Loads - status.L2Hits);
            (double p50, double p99, int count) = node.AckLatency();
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{node.Name,-8} {node.Reads,10} {stats.Total.Hits,10} {status.L2Hits,8} {disk,6} {status.Applied,8} {count,5} {p50,7:F1}ms {p99,7:F1}ms  {status.State}"));
        }
    }
}
