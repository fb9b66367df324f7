using System.Diagnostics;
using FileCache.Invalidation;
using FileCache.Redis;
using Microsoft.Extensions.DependencyInjection;

namespace FileCache.ClusterSample;

/// <summary>One node of the sample: its own FileCache (as in its own process), a member of the cluster, with the L2 shared through the server.</summary>
internal sealed class SampleNode : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly List<double> _ackMilliseconds = [];
    private long _reads;

    private SampleNode(string name, ServiceProvider services)
    {
        Name = name;
        _services = services;
        Cache = services.GetRequiredService<IFileCache>();
        Coherence = services.GetRequiredService<IRedisCoherence>();
    }

    public string Name { get; }

    public IFileCache Cache { get; }

    public IRedisCoherence Coherence { get; }

    public long Reads => Interlocked.Read(ref _reads);

    public static async Task<SampleNode> StartAsync(string name, string root, string server)
    {
        var services = new ServiceCollection();
        // The L2: any IDistributedCache; here the Redis one against the same server.
        services.AddStackExchangeRedisCache(options => options.Configuration = server);
        services.AddFileCache(options =>
            {
                options.Name = name;
                // No watcher: the nodes learn about changes through the cluster's log, as if the folder were on a share.
                options.Invalidation.Mode = ValidationMode.None;
                options.AddProject("site", root);
            })
            .AddRedisCoherence(server, options =>
            {
                options.ClusterName = "sample";
                options.NodeId = name;
                options.UseL2 = true;
                options.RevalidationInterval = TimeSpan.FromSeconds(5);
            });
        var node = new SampleNode(name, services.BuildServiceProvider());
        await node.Coherence.StartAsync();
        return node;
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
        await _services.DisposeAsync();
    }
}
