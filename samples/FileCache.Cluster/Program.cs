using System.Globalization;
using FileCache.ClusterSample;
using FileCache.Redis;

// Three FileCache nodes over one folder, coherent through an embedded Garnet server. Each node reads files all the
// time; every half second one node changes a file and invalidates it, and waits until every node has applied that.
// Prints, live, per node: reads, hits, L2 hits, disk loads, invalidations applied, acknowledgement latency, and the peer
// layer's figures (misses answered by the owner, requests served as owner, hot keys mirrored); above the table: the
// cluster-wide disk loads and the owner of the hottest pages.
// Usage: dotnet run --project samples/FileCache.Cluster [-- --seconds 15]. Ctrl+C stops it early.
int seconds = args is ["--seconds", var s] ? int.Parse(s, CultureInfo.InvariantCulture) : 12;
using var stop = new CancellationTokenSource();
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
stop.CancelAfter(TimeSpan.FromSeconds(seconds)); // counted from when the nodes are up
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
            Console.Write($"\x1b[{nodes.Length + 2}A"); // back over the previous table
        }

        s_printed = true;
        var rows = new List<string>();
        long clusterDisk = 0;
        foreach (SampleNode node in nodes)
        {
            FileCache.Statistics.FileCacheStatistics stats = node.Cache.GetStatistics();
            RedisCoherenceStatus status = node.Coherence.GetStatus();
            FileCache.Peers.PeerStatistics peers = node.Peers.GetStatistics();
            long disk = Math.Max(0, stats.Total.Loads - status.L2Hits - peers.PeerHits);
            clusterDisk += disk;
            (double p50, double p99, int count) = node.AckLatency();
            rows.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"{node.Name,-8} {node.Reads,10} {stats.Total.Hits,10} {status.L2Hits,8} {disk,6} {status.Applied,8} {count,5} {p50,7:F1}ms {p99,7:F1}ms  {status.State,-8} {peers.PeerHits,9} {peers.Served,7} {peers.Mirrored,9}"));
        }

        string owners = string.Join(' ', Enumerable.Range(0, 4).Select(i => $"page{i:D2}->{nodes[0].Peers.Placement.GetOwner("site", $"page{i:D2}.html")?.Id ?? "-"}"));
        Console.WriteLine($"cluster-wide disk loads {clusterDisk,6}; owners {owners}" + (live ? "\x1b[K" : string.Empty));
        Console.WriteLine($"{"node",-8} {"reads",10} {"hits",10} {"L2 hits",8} {"disk",6} {"applied",8} {"acks",5} {"ack p50",9} {"ack p99",9}  {"state",-8} {"peer hits",9} {"served",7} {"mirrored",9}");
        rows.ForEach(Console.WriteLine);
    }
}
