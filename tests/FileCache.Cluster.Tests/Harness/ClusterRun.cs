using System.Globalization;
using FileCache.Cluster.Tests.Faults;
using FileCache.Cluster.Tests.Servers;
using Xunit.Abstractions;

namespace FileCache.Cluster.Tests.Harness;

/// <summary>How a scenario's cluster is set up.</summary>
public sealed record ClusterSettings
{
    /// <summary>Gets the number of nodes.</summary>
    public int Nodes { get; init; } = 3;

    /// <summary>Gets the number of files in the shared folder.</summary>
    public int Files { get; init; } = 8;

    /// <summary>Gets the read lease.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMilliseconds(2000);

    /// <summary>Gets the log's poll interval (the backup of the doorbell).</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets the acknowledgement timeout.</summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>Gets the revalidation interval (the bound for changes nobody announced).</summary>
    public TimeSpan Revalidation { get; init; } = TimeSpan.FromMilliseconds(3000);

    /// <summary>Gets whether the nodes join the cluster at all (false: plain local caches, the baseline that must fail).</summary>
    public bool Coherent { get; init; } = true;

    /// <summary>Gets whether the nodes share file bytes through the L2.</summary>
    public bool UseL2 { get; init; } = true;

    /// <summary>Gets extra arguments per node index.</summary>
    public Func<int, IReadOnlyList<string>> ExtraArguments { get; init; } = _ => [];

    /// <summary>Gets the background readers per node.</summary>
    public int ReadersPerNode { get; init; } = 2;

    /// <summary>Gets whether the nodes run the peer layer (each endpoint behind its own fault proxy: <see cref="ClusterRun.PeerLinks"/>).</summary>
    public bool Peers { get; init; }

    /// <summary>Gets the peer request timeout.</summary>
    public TimeSpan PeerTimeout { get; init; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>Gets each node's view of the members (indices), or null: the cluster's member table.</summary>
    public Func<int, IReadOnlyList<int>>? PeerViews { get; init; }
}

/// <summary>
/// One scenario's cluster: a temp folder seeded with self-checking payloads, the server (embedded Garnet or
/// FILECACHE_REDIS), a fault proxy per node's link, the node processes, a driver that writes new versions through
/// random nodes (each write acknowledged or not, all in the histories), and at the end the checker over every history.
/// </summary>
public sealed class ClusterRun : IAsyncDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly string _dir;
    private readonly List<FaultProxy> _proxies = [];
    private readonly List<FaultProxy> _peerProxies = [];
    private readonly List<int> _peerPorts = [];
    private readonly List<NodeProcess> _nodes = [];
    private readonly HistoryWriter _driverHistory;

    private ClusterRun(ITestOutputHelper output, ClusterSettings settings, ClusterServer server, string dir)
    {
        _output = output;
        Settings = settings;
        Server = server;
        _dir = dir;
        _driverHistory = new HistoryWriter(Path.Join(dir, "histories", "driver.jsonl"));
    }

    /// <summary>Gets the settings.</summary>
    public ClusterSettings Settings { get; }

    /// <summary>Gets the server.</summary>
    public ClusterServer Server { get; }

    /// <summary>The fewest writes a workload makes, however slow the machine.</summary>
    public const int MinWrites = 12;

    /// <summary>Gets the nodes.</summary>
    public IReadOnlyList<NodeProcess> Nodes => _nodes;

    /// <summary>Gets each node's link to the server.</summary>
    public IReadOnlyList<FaultProxy> Links => _proxies;

    /// <summary>Gets the link in front of each node's peer endpoint (what the other nodes call), when the nodes run peers.</summary>
    public IReadOnlyList<FaultProxy> PeerLinks => _peerProxies;

    /// <summary>Gets the shared folder.</summary>
    public string Root => Path.Join(_dir, "root");

    /// <summary>Gets the files' paths relative to the root.</summary>
    public IReadOnlyList<string> Files { get; private set; } = [];

    /// <summary>Gets how long a scenario's workload runs: a few seconds, or <c>FILECACHE_SOAK_SECONDS</c>.</summary>
    /// <param name="ci">The duration in CI.</param>
    /// <returns>The duration.</returns>
    public static TimeSpan Duration(TimeSpan ci) =>
        int.TryParse(Environment.GetEnvironmentVariable("FILECACHE_SOAK_SECONDS"), NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : ci;

    /// <summary>Starts the server, the proxies and the nodes.</summary>
    /// <param name="output">The test's output.</param>
    /// <param name="settings">The settings.</param>
    /// <returns>The running cluster.</returns>
    public static async Task<ClusterRun> StartAsync(ITestOutputHelper output, ClusterSettings? settings = null)
    {
        settings ??= new ClusterSettings();
        string dir = Path.Join(Path.GetTempPath(), "filecache-cluster-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Join(dir, "root"));
        Directory.CreateDirectory(Path.Join(dir, "histories"));
        ClusterServer server = await ClusterServer.StartAsync();
        var run = new ClusterRun(output, settings, server, dir);
        try
        {
            run.Seed();
            string cluster = "c" + Guid.NewGuid().ToString("N")[..8];
            for (int i = 0; i < settings.Nodes; i++)
            {
                run._proxies.Add(new FaultProxy(server.EndPoint));
                if (settings.Peers)
                {
                    int port = ClusterServer.FreePort();
                    run._peerPorts.Add(port);
                    run._peerProxies.Add(new FaultProxy(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port)));
                }
            }

            NodeProcess[] nodes = await Task.WhenAll(Enumerable.Range(0, settings.Nodes).Select(i => NodeProcess.StartAsync($"n{i}", run.Arguments(i, cluster))));
            run._nodes.AddRange(nodes);
            output.WriteLine($"server: {server.Kind} at {server.EndPoint}; {settings.Nodes} nodes; folder {dir}");
            return run;
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts background readers on every live node.</summary>
    /// <returns>A task.</returns>
    public async Task StartReadersAsync()
    {
        foreach (NodeProcess node in _nodes)
        {
            Assert.StartsWith("ok", await node.SendAsync($"readers {Settings.ReadersPerNode}"), StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Writes new versions of random files through random live, unpaused nodes (acknowledged mode) until the duration
    /// ends, with <paramref name="during"/> run alongside (the faults).
    /// </summary>
    /// <param name="duration">How long.</param>
    /// <param name="during">The scenario's faults, given the cancellation of the workload.</param>
    /// <param name="mode">"ack" or "fire".</param>
    /// <param name="singleWriter">Every write through the first live node: the others only read, so nothing they append teaches them the log.</param>
    /// <returns>A task.</returns>
    public async Task RunWorkloadAsync(TimeSpan duration, Func<CancellationToken, Task>? during = null, string mode = "ack", bool singleWriter = false)
    {
        using var stop = new CancellationTokenSource(duration);
        Task faults = during?.Invoke(stop.Token) ?? Task.CompletedTask;
        var random = new Random(42);
        // On a slow machine the duration alone may leave too few writes to check: go on until a minimum is done (and
        // the faults have run), within a hard limit.
        var limit = System.Diagnostics.Stopwatch.StartNew();
        int writes = 0;
        while ((!stop.IsCancellationRequested || writes < MinWrites || !faults.IsCompleted) && limit.Elapsed < duration + TimeSpan.FromSeconds(60))
        {
            NodeProcess[] ready = [.. _nodes.Where(n => n.IsAlive && !n.IsPaused)];
            if (ready.Length > 0)
            {
                NodeProcess writer = singleWriter ? ready[0] : ready[random.Next(ready.Length)];
                string reply;
                try
                {
                    reply = await writer.SendAsync($"write {Files[random.Next(Files.Count)]} {mode}");
                }
                catch (InvalidOperationException) when (!writer.IsAlive)
                {
                    continue; // killed by the scenario while writing: that write promised nothing
                }

                Assert.StartsWith("ok", reply, StringComparison.Ordinal);
                writes++;
            }

            await Task.Delay(random.Next(10, 40));
        }

        await faults;
    }

    /// <summary>After a fault: every live node's next writes are acknowledged again within 30 seconds (the cluster recovers).</summary>
    /// <returns>A task.</returns>
    public async Task AssertRecoversAsync()
    {
        var limit = System.Diagnostics.Stopwatch.StartNew();
        foreach (NodeProcess node in _nodes.Where(n => n.IsAlive))
        {
            string reply;
            do
            {
                reply = await node.SendAsync($"write {Files[0]} ack");
                Assert.True(limit.Elapsed < TimeSpan.FromSeconds(30), $"{node.Name} still not acknowledged after 30 s: {reply}");
            }
            while (!reply.Contains("outcome=acknowledged", StringComparison.Ordinal));
        }
    }

    /// <summary>Changes a file on disk behind every node's back (no invalidation), as the driver, into the history.</summary>
    /// <param name="path">The file.</param>
    public void ChangeUnobserved(string path)
    {
        long start = HistoryFile.Now();
        long version = HistoryFile.Now();
        string file = Path.Join(Root, path);
        string temp = file + ".driver.tmp";
        File.WriteAllBytes(temp, Payload.Create(path, version, "driver"));
        File.Move(temp, file, overwrite: true);
        long written = HistoryFile.Now();
        _driverHistory.Append(new HistoryRecord
        {
            Node = "driver", Op = HistoryOps.Write, Path = path, Start = start, Written = written, End = written, Version = version, Ok = true,
            Mode = "none", Outcome = "unobserved",
        });
    }

    /// <summary>Checks the histories written so far, while the nodes go on (a last line being written is left out).</summary>
    /// <returns>The checker's report so far.</returns>
    public CheckReport CheckSoFar() => HistoryChecker.CheckFiles(Directory.EnumerateFiles(Path.Join(_dir, "histories")));

    /// <summary>Stops the readers, prints each node's statistics, and checks every history.</summary>
    /// <param name="fireBound">When set, fire-and-forget invalidations are checked against this bound on staleness.</param>
    /// <param name="scenario">The scenario's name in the collected reports (the calling test's, by default).</param>
    /// <returns>The checker's report.</returns>
    public async Task<CheckReport> FinishAsync(TimeSpan? fireBound = null, [System.Runtime.CompilerServices.CallerMemberName] string scenario = "")
    {
        foreach (NodeProcess node in _nodes)
        {
            if (node.IsPaused)
            {
                node.Resume();
            }

            if (!node.IsAlive)
            {
                continue;
            }

            await node.SendAsync("readers 0");
            _output.WriteLine(await node.SendAsync("stats"));
        }

        _driverHistory.Dispose();
        CheckReport report = HistoryChecker.CheckFiles(Directory.EnumerateFiles(Path.Join(_dir, "histories")), fireBound);
        _output.WriteLine($"[{Server.Kind}] {scenario}: {report}");
        _output.WriteLine($"report row ({CheckerReports.PathOf(Server.Kind)}): {CheckerReports.Record(Server.Kind, scenario, report)}");
        foreach (Violation violation in report.Violations.Take(10))
        {
            _output.WriteLine(violation.ToString());
        }

        return report;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (NodeProcess node in _nodes)
        {
            await node.DisposeAsync();
        }

        foreach (FaultProxy proxy in _proxies.Concat(_peerProxies))
        {
            await proxy.DisposeAsync();
        }

        await Server.DisposeAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Seed()
    {
        var files = new List<string>();
        for (int i = 0; i < Settings.Files; i++)
        {
            string path = $"d{i % 2}/f{i}.txt";
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Join(Root, path))!);
            File.WriteAllBytes(Path.Join(Root, path), Payload.Create(path, 0, "seed"));
            files.Add(path);
        }

        Files = files;
    }

    private List<string> Arguments(int index, string cluster)
    {
        var arguments = new List<string>
        {
            "--name", $"n{index}",
            "--root", Root,
            "--history", Path.Join(_dir, "histories", $"n{index}.jsonl"),
            "--lease-ms", Millis(Settings.Lease),
            "--poll-ms", Millis(Settings.Poll),
            "--ack-timeout-ms", Millis(Settings.AckTimeout),
            "--revalidate-ms", Millis(Settings.Revalidation),
            "--cluster", cluster,
        };
        if (Settings.Coherent)
        {
            arguments.AddRange(["--server", _proxies[index].EndPoint.ToString()]);
        }

        if (Settings.UseL2)
        {
            arguments.Add("--l2");
        }

        if (Settings.Peers)
        {
            arguments.AddRange(["--peers-listen", _peerPorts[index].ToString(CultureInfo.InvariantCulture), "--peers-advertise", PeerAddress(index), "--peers-timeout-ms", Millis(Settings.PeerTimeout)]);
            if (Settings.PeerViews is { } views)
            {
                arguments.AddRange(["--peers-static", string.Join(',', views(index).Select(i => $"n{i}={PeerAddress(i)}"))]);
            }
        }

        arguments.AddRange(Settings.ExtraArguments(index));
        return arguments;
    }

    private string PeerAddress(int index) => $"http://{_peerProxies[index].EndPoint}/";

    private static string Millis(TimeSpan value) => ((int)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
}
