using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using FileCache.Peers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FileCache.Benchmarks;

/// <summary>
/// The peer layer (Ferrule.FileCache.Peers), all in one run: a hit with the layer registered vs without it (the hit path
/// must not change; MemoryCache's hit beside them), and a miss of one 16 KiB file read from the disk vs fetched from its
/// owner over HTTP on loopback (signed request, hash-checked answer, version probe) vs served by the FileCache L2 vs
/// HybridCache's L2 hit (StackExchangeRedis against the same embedded Garnet). The server, the file and the disk, L2 and
/// HybridCache readers are <see cref="L2BenchmarkRig"/>'s (shared with <see cref="DistributedBenchmarks"/>); the peer
/// readers also refuse to keep the file (<c>MaxEntryBytes</c>), so every read is a miss through the pipeline.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class PeersBenchmarks
{
    private static readonly byte[] Key = [.. Enumerable.Range(0, 32).Select(static i => (byte)i)];
    private L2BenchmarkRig? _rig;
    private string _path = null!;
    private IFileCache _plain = null!;
    private FileKey _plainKey;
    private ServiceProvider? _peersOnProvider;
    private IFileCache _peersOn = null!;
    private FileKey _peersOnKey;
    private MemoryCache? _memory;
    private WebApplication? _owner;
    private ServiceProvider? _callerProvider;
    private IFileCache _caller = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        // The owner's endpoint on a loopback port; the file is one the owner owns in the two-node placement.
        int port = FreePort();
        var owner = new PeerNode("owner", new Uri($"http://127.0.0.1:{port}/"));
        var caller = new PeerNode("caller", new Uri("http://127.0.0.1:9/"));
        var placement = new PeerPlacement([owner, caller]);
        string path = Enumerable.Range(0, 100).Select(i => $"big{i}.txt").First(p => placement.GetOwner(L2BenchmarkRig.Project, p)!.Id == "owner");
        _path = path;
        _rig = new L2BenchmarkRig("peers-bench", path);
        await _rig.StartAsync();
        _plain = _rig.Plain;
        _plainKey = _rig.PlainKey;

        // Peers on: a cache with the layer registered (this node owns nothing; the file was fetched once).
        _peersOnProvider = Caller(owner, caller, maxEntryBytes: null);
        _peersOn = _peersOnProvider.GetRequiredService<IFileCache>();
        _peersOnKey = _peersOn.CreateKey(L2BenchmarkRig.Project, path);

        var web = WebApplication.CreateSlimBuilder();
        web.Logging.ClearProviders();
        web.WebHost.UseUrls(owner.Address.ToString());
        web.Services.AddFileCache(o => o.AddProject(L2BenchmarkRig.Project, _rig.Root)).AddPeers(o => Configure(o, owner, caller, "owner"));
        _owner = web.Build();
        _owner.MapFileCachePeers();
        await _owner.StartAsync();

        // On a loaded machine a first call may time out (a local load instead): read again until the owner answered.
        for (int i = 0; i < 20 && _peersOnProvider.GetRequiredService<IFileCachePeers>().GetStatistics().PeerHits == 0; i++)
        {
            _peersOn.Remove(_peersOnKey);
            await _peersOn.ReadAsync(_peersOnKey);
        }

        _memory = new MemoryCache(new MemoryCacheOptions());
        _memory.Set(path, _rig.Bytes);

        // The caller refuses to keep the file (MaxEntryBytes): each read misses and asks the owner.
        _callerProvider = Caller(owner, caller, maxEntryBytes: 1024);
        _caller = _callerProvider.GetRequiredService<IFileCache>();
        for (int i = 0; i < 20 && _callerProvider.GetRequiredService<IFileCachePeers>().GetStatistics().PeerHits == 0; i++)
        {
            await _caller.ReadAsync(L2BenchmarkRig.Project, path);
        }

        if (_callerProvider.GetRequiredService<IFileCachePeers>().GetStatistics().PeerHits == 0
            || _peersOnProvider.GetRequiredService<IFileCachePeers>().GetStatistics().PeerHits == 0)
        {
            throw new InvalidOperationException("The caller was not answered by the owner: the benchmark would measure something else.");
        }
    }

    private ServiceProvider Caller(PeerNode owner, PeerNode caller, int? maxEntryBytes)
    {
        var services = new ServiceCollection();
        services.AddFileCache(o =>
        {
            o.AddProject(L2BenchmarkRig.Project, _rig!.Root);
            o.MaxEntryBytes = maxEntryBytes;
        }).AddPeers(o => Configure(o, owner, caller, "caller"));
        return services.BuildServiceProvider();
    }

    private static void Configure(PeerOptions options, PeerNode owner, PeerNode caller, string self)
    {
        options.NodeId = self;
        options.SharedKey = Key;
        options.Members.Add(owner);
        options.Members.Add(caller);
        options.ConnectTimeout = TimeSpan.FromSeconds(2);
        options.RequestTimeout = TimeSpan.FromSeconds(5);
        options.CatchUpTimeout = TimeSpan.FromSeconds(1);
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        // Whatever the set-up built, each part on its own (see L2BenchmarkRig.DisposeAsync): never throws.
        L2BenchmarkRig.Attempt("MemoryCache", () => _memory?.Dispose());
        if (_peersOnProvider is not null)
        {
            await L2BenchmarkRig.AttemptAsync("the peers-on cache", _peersOnProvider.DisposeAsync);
        }

        if (_callerProvider is not null)
        {
            await L2BenchmarkRig.AttemptAsync("the caller", _callerProvider.DisposeAsync);
        }

        if (_owner is { } web)
        {
            await L2BenchmarkRig.AttemptAsync("the owner", async () =>
            {
                await web.StopAsync();
                await web.DisposeAsync();
            });
        }

        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Hit")]
    public bool Hit_PeersOff() => _plain.TryGet(_plainKey, out CachedFile? _);

    [Benchmark]
    [BenchmarkCategory("Hit")]
    public bool Hit_PeersOn() => _peersOn.TryGet(_peersOnKey, out CachedFile? _);

    [Benchmark]
    [BenchmarkCategory("Hit")]
    public bool Hit_MemoryCache() => _memory!.TryGetValue(_path, out object? _);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Load16K")]
    public Task<int> DiskRead() => _rig!.ReadFromDiskAsync();

    [Benchmark]
    [BenchmarkCategory("Load16K")]
    public async Task<int> PeerFetch() => (await _caller.ReadAsync(L2BenchmarkRig.Project, _path)).Length;

    [Benchmark]
    [BenchmarkCategory("Load16K")]
    public Task<int> FileCacheL2Hit() => _rig!.ReadFromL2Async();

    [Benchmark]
    [BenchmarkCategory("Load16K")]
    public Task<int> HybridCacheL2Hit() => _rig!.ReadFromHybridL2Async();
}
