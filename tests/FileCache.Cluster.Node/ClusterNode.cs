using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using FileCache.DependencyInjection;
using FileCache.Invalidation;
using FileCache.Peers;
using FileCache.Redis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FileCache.Cluster.Node;

/// <summary>
/// One node: a FileCache over the shared folder (project <c>p</c>, no watcher: only the cluster's log tells it about
/// changes, and the revalidation interval bounds what nobody announced), a member of the cluster when a server is given,
/// and the operations the harness asks for, each appended to the history with its monotonic start and end.
/// </summary>
internal sealed class ClusterNode : IAsyncDisposable
{
    private const string Project = "p";

    /// <summary>The key every harness node signs its peer calls with.</summary>
    private static readonly byte[] s_peerKey = [.. Enumerable.Range(1, 32).Select(static i => (byte)i)];

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

    public static async Task<ClusterNode> StartAsync(NodeArguments args)
    {
        // With a peer layer the node is a web host (its peer endpoint on Kestrel); otherwise a plain service provider.
        WebApplicationBuilder? web = null;
        IServiceCollection services;
        if (args.PeersListen != 0)
        {
            web = WebApplication.CreateSlimBuilder();
            web.Logging.ClearProviders();
            web.WebHost.UseUrls($"http://127.0.0.1:{args.PeersListen}");
            services = web.Services;
        }
        else
        {
            services = new ServiceCollection();
        }

        ClusterNode? node = null;
        IFileCacheBuilder builder = services.AddFileCache(options =>
        {
            options.Name = args.Name;
            options.Invalidation.Mode = args.Watch ? ValidationMode.Watch : ValidationMode.None;

            // A storm is recognized in its first debounced batch (StormThreshold events), then held until it pauses for a
            // tenth of StormMaxDelay: on a two-core machine shared with three nodes and their readers, the watcher's events
            // arrive in bursts, so both are wider here than the defaults (20 ms, 1 s).
            options.Invalidation.WatcherDebounce = TimeSpan.FromMilliseconds(500);
            options.Invalidation.StormMaxDelay = TimeSpan.FromSeconds(10);
            options.AddProject(Project, args.Root);
        });
        if (args.Server is { } server)
        {
            if (args.UseL2)
            {
                services.AddStackExchangeRedisCache(options => options.Configuration = server + ",abortConnect=false,connectTimeout=1000");
            }

            builder.AddRedisCoherence(server + ",abortConnect=false,connectTimeout=5000,syncTimeout=10000,asyncTimeout=10000", options =>
            {
                options.ClusterName = args.Cluster;
                options.NodeId = args.Name;
                options.LeaseDuration = args.Lease;
                options.PollInterval = args.Poll;
                options.AcknowledgementTimeout = args.AckTimeout;
                options.RevalidationInterval = args.Revalidation;
                options.UseL2 = args.UseL2;
                if (args.NoLeaseCheck)
                {
                    SetOption(options, "CheckLeaseOnHit", "false");
                }

                options.AdvertisedAddress = args.PeersListen != 0 ? args.PeersAdvertise ?? $"http://127.0.0.1:{args.PeersListen}" : null;
                foreach ((string name, string value) in args.Options)
                {
                    SetOption(options, name, value);
                }
            });
        }

        if (web is not null)
        {
            builder.AddPeers(options =>
            {
                options.SharedKey = s_peerKey;
                options.RequestTimeout = args.PeersTimeout;
                options.ConnectTimeout = args.PeersTimeout / 2;
                options.CatchUpTimeout = args.PeersTimeout / 3;
                options.MembershipRefreshInterval = TimeSpan.FromMilliseconds(200);
                if (args.PeersStatic is { } view)
                {
                    options.NodeId = args.Name;
                    foreach (string member in view.Split(',', StringSplitOptions.RemoveEmptyEntries))
                    {
                        string[] parts = member.Split('=', 2);
                        options.Members.Add(new PeerNode(parts[0], new Uri(parts[1])));
                    }
                }
                else
                {
                    options.UseClusterMembership = true;
                }
            });
        }

        // After every other stage: what reaches it is a read of the disk.
        builder.UseLoadStage(async (context, next) =>
        {
            Interlocked.Increment(ref node!._diskLoads);
            await next(context);
        });

        if (web is not null)
        {
            WebApplication app = web.Build();
            app.MapFileCachePeers();
            node = new ClusterNode(args, app.Services, app);
        }
        else
        {
            ServiceProvider provider = ((ServiceCollection)services).BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
            node = new ClusterNode(args, provider, provider);
        }

        if (node._coherence is { } coherence)
        {
            await coherence.StartAsync();
        }

        if (node._host is WebApplication started)
        {
            await started.StartAsync();
        }

        return node;
    }

    private static void SetOption(RedisCoherenceOptions options, string name, string value)
    {
        System.Reflection.PropertyInfo property = typeof(RedisCoherenceOptions).GetProperty(name, System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)
            ?? throw new ArgumentException($"RedisCoherenceOptions has no property '{name}'.", nameof(name));
        Type type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        object parsed = type == typeof(TimeSpan) ? TimeSpan.FromMilliseconds(double.Parse(value, CultureInfo.InvariantCulture))
            : type.IsEnum ? Enum.Parse(type, value)
            : Convert.ChangeType(value, type, CultureInfo.InvariantCulture);
        property.SetValue(options, parsed);
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

    private async Task<HistoryRecord> ReadAsync(string path)
    {
        long start = HistoryFile.Now();
        HistoryRecord record;
        try
        {
            CachedFile? file = _args.Broken == "stale-memo" && _memo.TryGetValue(path, out CachedFile? memo)
                ? memo
                : await _cache.TryReadAsync(Project, path);
            if (file is null)
            {
                record = new HistoryRecord { Node = _args.Name, Op = HistoryOps.Read, Path = path, Start = start, End = HistoryFile.Now(), Version = -1, Ok = true };
            }
            else
            {
                _memo.TryAdd(path, file);
                (long version, string declared, string actual) = Payload.Inspect(file.Content.Span);
                record = new HistoryRecord
                {
                    Node = _args.Name, Op = HistoryOps.Read, Path = path, Start = start, End = HistoryFile.Now(), Version = version, Ok = true,
                    DeclaredHash = declared, PayloadHash = actual,
                    VersionHash = file.Version.ContentHash?.ToString("x32", CultureInfo.InvariantCulture),
                };
            }
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref _readFailures);
            record = new HistoryRecord { Node = _args.Name, Op = HistoryOps.Read, Path = path, Start = start, End = HistoryFile.Now(), Ok = false, Error = $"{e.GetType().Name}: {e.Message}" };
        }

        Interlocked.Increment(ref _reads);
        _history.Append(record);
        return record;
    }

    private async Task<HistoryRecord> InvalidateAsync(string path, string mode, bool write)
    {
        if (mode is not "ack" and not "fire")
        {
            throw new ArgumentException($"Mode must be ack or fire (was '{mode}').", nameof(mode));
        }

        string file = Path.Join(_args.Root, path);
        long start = HistoryFile.Now();
        long version, written = 0;
        if (write)
        {
            (version, written) = WriteNewVersion(path, file);
        }
        else
        {
            // The source reflects a change before its invalidation: the version on disk now is what this covers.
            version = Payload.ReadVersionFromDisk(file);
        }

        HistoryRecord record = new() { Node = _args.Name, Op = write ? HistoryOps.Write : HistoryOps.Invalidate, Path = path, Start = start, Written = written, Version = version, Mode = mode };
        try
        {
            InvalidationRequest request = InvalidationRequest.ForKey(_cache.CreateKey(Project, path));
            InvalidationResult result = mode == "fire" && _coherence is not null
                ? await _coherence.InvalidateAsync(request, waitForAcknowledgement: false)
                : await _cache.InvalidateAsync(request);
            record = record with { End = HistoryFile.Now(), Ok = true, Outcome = Outcome(result.Acknowledgement), Sequence = result.ClusterSequence };
        }
        catch (Exception e)
        {
            record = record with { End = HistoryFile.Now(), Ok = false, Outcome = InvalidationOutcomes.Failed, Error = $"{e.GetType().Name}: {e.Message}" };
        }

        _history.Append(record);
        return record;
    }

    /// <summary>
    /// Writes a new version by an atomic rename, under an exclusive lock of the path shared by every node, so that the
    /// order of versions on disk is the order of their numbers (a monotonic timestamp taken under the lock).
    /// </summary>
    private (long Version, long Written) WriteNewVersion(string path, string file)
    {
        string lockFile = Path.Join(_args.Locks, Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(path)) + ".lock");
        using FileStream held = AcquireLock(lockFile);
        long version = HistoryFile.Now();
        string temp = Path.Join(Path.GetDirectoryName(file)!, $".{Path.GetFileName(file)}.{_args.Name}.tmp");
        File.WriteAllBytes(temp, Payload.Create(path, version, _args.Name, _args.PayloadSize));
        File.Move(temp, file, overwrite: true);
        return (version, HistoryFile.Now());
    }

    /// <summary>
    /// A watcher storm: rewrites <paramref name="count"/> files under <paramref name="directory"/> at once (renamed in
    /// from beside the root), announcing none (this node's watcher sees them), waits until its watcher applied them, then makes an
    /// acknowledged invalidation: the log is ordered, so once it is acknowledged every node has applied the storm too. Each
    /// write goes into the history as acknowledged when that invalidation returned, so the checker holds every read
    /// that starts afterwards, on any node, to the new versions.
    /// </summary>
    private async Task<string> StormAsync(string directory, int count)
    {
        if (!_args.Watch)
        {
            throw new InvalidOperationException("storm needs --watch: this node must see its own changes.");
        }

        string[] paths = [.. _files.Where(f => f.StartsWith(directory + "/", StringComparison.Ordinal)).Take(count)];
        long published = _coherence?.GetStatus().Published ?? 0;
        var before = _cache.GetStatistics().Invalidation;

        // Every new version is written beside the root first, then all are renamed in, as fast as the disk takes it (one
        // watcher event each). Nothing else may write these files meanwhile: versions are taken before the renames.
        string staging = _args.Root.TrimEnd('/') + ".storm-" + _args.Name;
        Directory.CreateDirectory(staging);
        var writes = new List<(HistoryRecord Record, string Staged)>(paths.Length);
        foreach (string path in paths)
        {
            long start = HistoryFile.Now();
            long version = HistoryFile.Now();
            string staged = Path.Join(staging, writes.Count.ToString(CultureInfo.InvariantCulture));
            File.WriteAllBytes(staged, Payload.Create(path, version, _args.Name, _args.PayloadSize));
            writes.Add((new HistoryRecord { Node = _args.Name, Op = HistoryOps.Write, Path = path, Start = start, Version = version, Mode = "ack" }, staged));
        }

        for (int i = 0; i < writes.Count; i++)
        {
            File.Move(writes[i].Staged, Path.Join(_args.Root, writes[i].Record.Path), overwrite: true);
            writes[i] = (writes[i].Record with { Written = HistoryFile.Now() }, writes[i].Staged);
        }

        await _cache.SynchronizeAsync(Project);
        InvalidationResult result = await _cache.InvalidateAsync(InvalidationRequest.ForKey(_cache.CreateKey(Project, paths[0])));
        long end = HistoryFile.Now();
        foreach ((HistoryRecord write, _) in writes)
        {
            _history.Append(write with { End = end, Ok = true, Outcome = Outcome(result.Acknowledgement), Sequence = result.ClusterSequence });
        }

        // What this node appended meanwhile: the storm's entries, the acknowledged invalidation, and any version mismatch a
        // read found first (a periodic revalidation or a lapsed lease checks files against the disk; one key each).
        long entries = (_coherence?.GetStatus().Published ?? 0) - published;
        var after = _cache.GetStatistics().Invalidation;
        long mismatches = (after?.GetCount(InvalidationCause.VersionMismatch) ?? 0) - (before?.GetCount(InvalidationCause.VersionMismatch) ?? 0);
        long storms = (after?.StormsCollapsed ?? 0) - (before?.StormsCollapsed ?? 0);
        return string.Create(CultureInfo.InvariantCulture, $"ok files={paths.Length} outcome={Outcome(result.Acknowledgement)} seq={result.ClusterSequence} published={entries} mismatches={mismatches} storms={storms} stormEntries={entries - 1 - mismatches}");
    }

    private static FileStream AcquireLock(string lockFile)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 10_000)
            {
                Thread.Sleep(1);
            }
        }
    }

    private static string Outcome(InvalidationAcknowledgement acknowledgement) => acknowledgement switch
    {
        // A cache without coherence acknowledges only itself: the baseline that the checker must catch.
        InvalidationAcknowledgement.Acknowledged or InvalidationAcknowledgement.Local => InvalidationOutcomes.Acknowledged,
        InvalidationAcknowledgement.NotAwaited => InvalidationOutcomes.Fired,
        InvalidationAcknowledgement.TimedOut => InvalidationOutcomes.Unacknowledged,
        _ => InvalidationOutcomes.Failed,
    };

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
