using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using FileCache.Peers;
using FileCache.Redis;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FileCache.Cluster.Node;

/// <summary>
/// One node: a FileCache over the shared folder (project <c>p</c>, no watcher: only the cluster's log tells it about
/// changes, and the revalidation interval bounds what nobody announced), a member of the cluster when a server is given,
/// and the operations the harness asks for, each appended to the history with its monotonic start and end. This file:
/// the node's state, its commands and its background readers; the host's set-up is in <c>ClusterNode.Startup.cs</c>,
/// the reads and invalidations in <c>ClusterNode.Operations.cs</c>, the watcher storm in <c>ClusterNode.Storm.cs</c>.
/// </summary>
internal sealed partial class ClusterNode : IAsyncDisposable
{
    private const string Project = "p";

    private readonly NodeArguments _args;
    private readonly IServiceProvider _services;
    private readonly IAsyncDisposable _host;
    private readonly IFileCache _cache;
    private readonly IRedisCoherence? _coherence;
    private readonly IFileCachePeers? _peers;
    private long _diskLoads;
    private readonly HistoryWriter _history;
    private readonly ConcurrentDictionary<string, CachedFile> _memo = new(StringComparer.Ordinal);
    private readonly string[] _files;
    private readonly List<(Task Task, CancellationTokenSource Stop)> _readers = [];
    private long _reads;
    private long _readFailures;

    private ClusterNode(NodeArguments args, IServiceProvider services, IAsyncDisposable host)
    {
        _args = args;
        _services = services;
        _host = host;
        _cache = services.GetRequiredService<IFileCache>();
        _coherence = services.GetService<IRedisCoherence>();
        _peers = services.GetService<IFileCachePeers>();
        _history = new HistoryWriter(args.History);
        _files = [.. Directory.EnumerateFiles(args.Root, "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith('.') && !f.EndsWith(".tmp", StringComparison.Ordinal)).Select(f => Path.GetRelativePath(args.Root, f)).Order(StringComparer.Ordinal)];
        Directory.CreateDirectory(args.Locks);
    }

    /// <summary>Runs one command line and returns the reply line.</summary>
    public async Task<string> ExecuteAsync(string line)
    {
        string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        try
        {
            return words switch
            {
                ["read", string path] => Describe(await ReadAsync(path)),
                ["invalidate", string path, ..] => Describe(await InvalidateAsync(path, Mode(words), write: false)),
                ["write", string path, ..] => Describe(await InvalidateAsync(path, Mode(words), write: true)),
                ["readers", string count] => await SetReadersAsync(int.Parse(count, CultureInfo.InvariantCulture)),
                ["storm", string directory, string count] => await StormAsync(directory, int.Parse(count, CultureInfo.InvariantCulture)),
                ["stats"] => Stats(),
                ["files"] => string.Join(' ', _files),
                ["burst", string path, string count] => await BurstAsync(path, int.Parse(count, CultureInfo.InvariantCulture)),
                ["owner", string path] => _peers is null ? "err no peers" : $"ok owner={_peers.Placement.GetOwner(Project, path)?.Id ?? "-"} members={_peers.Placement.Nodes.Count}",
                _ => $"err unknown command '{line}'",
            };
        }
        catch (Exception e)
        {
            return $"err {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}";
        }
    }

    public async ValueTask DisposeAsync()
    {
        await SetReadersAsync(0);
        if (_coherence is not null)
        {
            await _coherence.DisposeAsync();
        }

        if (_host is WebApplication app)
        {
            await app.StopAsync();
        }

        await _host.DisposeAsync();
        _history.Dispose();
    }

    /// <summary>Reads one path from <paramref name="count"/> concurrent callers (a cold key's stampede).</summary>
    private async Task<string> BurstAsync(string path, int count)
    {
        HistoryRecord[] reads = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => Task.Run(() => ReadAsync(path))));
        return $"ok reads={reads.Length} failed={reads.Count(r => !r.Ok)}";
    }

    private static string Mode(string[] words) => words.Length > 2 ? words[2] : "ack";

    private static string Describe(HistoryRecord r) => r.Ok
        ? string.Create(CultureInfo.InvariantCulture, $"ok v={r.Version} outcome={r.Outcome ?? "-"} seq={r.Sequence} ms={(r.End - r.Start) / 1e6:F3}")
        : $"err {r.Error}";

    private async Task<string> SetReadersAsync(int count)
    {
        foreach ((Task task, CancellationTokenSource stop) in _readers)
        {
            await stop.CancelAsync();
            await task;
            stop.Dispose();
        }

        _readers.Clear();
        for (int i = 0; i < count; i++)
        {
            var stop = new CancellationTokenSource();
            int seed = i;
            _readers.Add((Task.Run(() => ReadLoopAsync(seed, stop.Token)), stop));
        }

        return $"ok readers={count}";
    }

    private async Task ReadLoopAsync(int seed, CancellationToken stop)
    {
        var random = new Random(HashCode.Combine(_args.Name, seed));
        while (!stop.IsCancellationRequested)
        {
            await ReadAsync(_files[random.Next(_files.Length)]);
            // A short pause so two cores are shared with the other nodes and the server.
            await Task.Delay(1, CancellationToken.None);
        }
    }

    private string Stats()
    {
        FileCache.Statistics.FileCacheStatistics stats = _cache.GetStatistics();
        RedisCoherenceStatus? status = _coherence?.GetStatus();
        return "ok " + JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["node"] = _args.Name,
            ["reads"] = Interlocked.Read(ref _reads),
            ["readFailures"] = Interlocked.Read(ref _readFailures),
            ["hits"] = stats.Total.Hits,
            ["misses"] = stats.Total.Misses,
            ["loads"] = stats.Total.Loads,
            ["state"] = status?.State.ToString() ?? "Local",
            ["applied"] = status?.Applied ?? 0,
            ["lastApplied"] = status?.LastAppliedSequence ?? 0,
            ["l2Hits"] = status?.L2Hits ?? 0,
            ["l2Misses"] = status?.L2Misses ?? 0,
            ["hashRejections"] = status?.HashRejections ?? 0,
            ["demotions"] = status?.Demotions ?? 0,
            ["leaseLosses"] = status?.LeaseLosses ?? 0,
            ["logGaps"] = status?.LogGaps ?? 0,
            ["published"] = status?.Published ?? 0,
            ["diskLoads"] = Interlocked.Read(ref _diskLoads),
            ["peers"] = _peers?.GetStatistics(),
        });
    }
}
