using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FileCache.Invalidation;
using FileCache.Peers;
using FileCache.Redis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FileCache.ClusterSample;

/// <summary>
/// One node of the sample: its own FileCache (as in its own process), a member of the cluster, with the L2 shared through
/// the server, and the peer layer: its endpoint on Kestrel at 127.0.0.1, misses of keys another node owns sent to it.
/// </summary>
internal sealed class SampleNode : IAsyncDisposable
{
    /// <summary>The key the sample's nodes sign their peer calls with (a real cluster reads it from its secrets).</summary>
    private static readonly byte[] s_peerKey = [.. Enumerable.Range(0, 32).Select(static i => (byte)(i * 7))];

    private readonly WebApplication _services;
    private readonly List<double> _ackMilliseconds = [];
    private long _reads;

    private SampleNode(string name, WebApplication services)
    {
        Name = name;
        _services = services;
        Cache = services.Services.GetRequiredService<IFileCache>();
        Coherence = services.Services.GetRequiredService<IRedisCoherence>();
        Peers = services.Services.GetRequiredService<IFileCachePeers>();
    }

    public string Name { get; }

    public IFileCache Cache { get; }

    public IRedisCoherence Coherence { get; }

    public IFileCachePeers Peers { get; }

    public long Reads => Interlocked.Read(ref _reads);

    public static async Task<SampleNode> StartAsync(string name, string root, string server)
    {
        int port = FreePort();
        var web = WebApplication.CreateSlimBuilder();
        web.Logging.ClearProviders();
        web.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var services = web.Services;
        // The L2: any IDistributedCache; here the Redis one against the same server.
        services.AddStackExchangeRedisCache(options => options.Configuration = server);
        services.AddFileCache(options =>
            {
                options.Name = name;
                // No watcher: the nodes learn about changes through the cluster's log, as if the folder were on a share.
                options.Invalidation.Mode = ValidationMode.None;
                options.AddProject("site", root);
            })
            // The peer layer first, the L2 after it: a key another node owns goes to its owner, which alone asks the L2.
            .AddPeers(options =>
            {
                // Members: the cluster's live members with their advertised addresses; each key has one owner.
                options.UseClusterMembership = true;
                options.SharedKey = s_peerKey;
                options.MembershipRefreshInterval = TimeSpan.FromMilliseconds(250);

                // Keys another node owns are kept here only when hot (20 requests a second or more), in 10 % of the budget.
                options.HotKeyThreshold = 20;
                options.MirrorBudgetShare = 0.1;
            })
            .AddRedisCoherence(server, options =>
            {
                options.ClusterName = "sample";
                options.NodeId = name;
                options.UseL2 = true;
                options.RevalidationInterval = TimeSpan.FromSeconds(5);
                options.AdvertisedAddress = $"http://127.0.0.1:{port}";
            });
        var app = web.Build();
        app.MapFileCachePeers();
        var node = new SampleNode(name, app);
        await node.Coherence.StartAsync();
        await app.StartAsync();
        return node;
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async Task ReadAsync(string path, CancellationToken cancellationToken)
    {
        await Cache.ReadAsync("site", path, cancellationToken);
        Interlocked.Increment(ref _reads);
    }

    /// <summary>Changes a file on disk, then invalidates it cluster-wide and waits for every node's acknowledgement.</summary>
    public async Task<InvalidationAcknowledgement> ChangeAsync(string root, string path, string text, CancellationToken cancellationToken)
    {
        string file = Path.Join(root, path);
        await File.WriteAllTextAsync(file + ".tmp", text, cancellationToken);
        File.Move(file + ".tmp", file, overwrite: true);
        long start = Stopwatch.GetTimestamp();
        InvalidationResult result = await Cache.InvalidateAsync(InvalidationRequest.ForKey(Cache.CreateKey("site", path)), cancellationToken);
        lock (_ackMilliseconds)
        {
            _ackMilliseconds.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return result.Acknowledgement;
    }

    public (double P50, double P99, int Count) AckLatency()
    {
        lock (_ackMilliseconds)
        {
            if (_ackMilliseconds.Count == 0)
            {
                return (0, 0, 0);
            }

            double[] sorted = [.. _ackMilliseconds.Order()];
            return (sorted[(sorted.Length - 1) / 2], sorted[(int)Math.Ceiling(0.99 * sorted.Length) - 1], sorted.Length);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Coherence.DisposeAsync();
        await _services.StopAsync();
        await _services.DisposeAsync();
    }
}
