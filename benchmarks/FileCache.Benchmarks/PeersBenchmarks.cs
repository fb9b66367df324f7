using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using FileCache.Peers;
using FileCache.Redis;
using FileCache.Redis.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FileCache.Benchmarks;

/// <summary>
/// The peer layer (Ferrule.FileCache.Peers), all in one run: a hit with the layer registered vs without it (the hit path
/// must not change; MemoryCache's hit beside them), and a miss of one 16 KiB file read from the disk vs fetched from its
/// owner over HTTP on loopback (signed request, hash-checked answer, version probe) vs served by the FileCache L2 vs
/// HybridCache's L2 hit (StackExchangeRedis against the same embedded Garnet). The load rows use caches whose
/// <c>MaxEntryBytes</c> refuses the file, so every read is a miss through the pipeline.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class PeersBenchmarks
{
    private static readonly HybridCacheEntryOptions L2Only = new() { Flags = HybridCacheEntryFlags.DisableLocalCache };
    private static readonly byte[] Key = [.. Enumerable.Range(0, 32).Select(static i => (byte)i)];
    private string _root = null!;
    private string _path = null!;
    private IFileCache _plain = null!;
    private FileKey _plainKey;
    private ServiceProvider _peersOnProvider = null!;
    private IFileCache _peersOn = null!;
    private FileKey _peersOnKey;
    private MemoryCache _memory = null!;
    private WebApplication _owner = null!;
    private ServiceProvider _callerProvider = null!;
    private IFileCache _caller = null!;
    private IFileCache _diskCache = null!;
    private RedisTestServer _server = null!;
    private ServiceProvider _l2Node = null!;
    private IFileCache _l2Cache = null!;
    private ServiceProvider _hybridProvider = null!;
    private HybridCache _hybrid = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "fc-peers-bench-" + Environment.ProcessId);
        Directory.CreateDirectory(_root);

        // The owner's endpoint on a loopback port; the file is one the owner owns in the two-node placement.
        int port = FreePort();
        var owner = new PeerNode("owner", new Uri($"http://127.0.0.1:{port}/"));
        var caller = new PeerNode("caller", new Uri("http://127.0.0.1:9/"));
        var placement = new PeerPlacement([owner, caller]);
        _path = Enumerable.Range(0, 100).Select(i => $"big{i}.txt").First(p => placement.GetOwner("p", p)!.Id == "owner");
        byte[] bytes = new byte[16 * 1024];
        new Random(42).NextBytes(bytes);
        string full = Path.Combine(_root, _path);
        await File.WriteAllBytesAsync(full, bytes);
        File.SetLastWriteTimeUtc(full, DateTime.UtcNow.AddMinutes(-10));

        var plain = new FileCacheOptions();
        plain.AddProject("p", _root);
        _plain = FileCacheFactory.Create(plain);
        _plainKey = _plain.CreateKey("p", _path);
        await _plain.ReadAsync(_plainKey);

        // Peers on: the same cache with the layer registered (this node owns nothing; the file was fetched once).
        _peersOnProvider = Caller(owner, caller, maxEntryBytes: null);
        _peersOn = _peersOnProvider.GetRequiredService<IFileCache>();
        _peersOnKey = _peersOn.CreateKey("p", _path);

        var web = WebApplication.CreateSlimBuilder();
        web.Logging.ClearProviders();
        web.WebHost.UseUrls(owner.Address.ToString());
        web.Services.AddFileCache(o => o.AddProject("p", _root)).AddPeers(o => Configure(o, owner, caller, "owner"));
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
        _memory.Set(_path, bytes);

        // The caller refuses to keep the file (MaxEntryBytes): each read misses and asks the owner.
        _callerProvider = Caller(owner, caller, maxEntryBytes: 1024);
        _caller = _callerProvider.GetRequiredService<IFileCache>();
        for (int i = 0; i < 20 && _callerProvider.GetRequiredService<IFileCachePeers>().GetStatistics().PeerHits == 0; i++)
        {
            await _caller.ReadAsync("p", _path);
        }

        if (_callerProvider.GetRequiredService<IFileCachePeers>().GetStatistics().PeerHits == 0
            || _peersOnProvider.GetRequiredService<IFileCachePeers>().GetStatistics().PeerHits == 0)
        {
            throw new InvalidOperationException("The caller was not answered by the owner: the benchmark would measure something else.");
        }

        var disk = new FileCacheOptions { MaxEntryBytes = 1024 };
        disk.AddProject("p", _root);
        _diskCache = FileCacheFactory.Create(disk);

        _server = await RedisTestServer.StartAsync();
        var l2 = new ServiceCollection();
        l2.AddStackExchangeRedisCache(o => o.Configuration = _server.Configuration);
        l2.AddFileCache(o =>
        {
            o.AddProject("p", _root);
            o.MaxEntryBytes = 1024;
        }).AddRedisCoherence(_server.Configuration, o =>
        {
            o.ClusterName = "peers-bench" + Environment.ProcessId;
            o.UseL2 = true;
        });
        _l2Node = l2.BuildServiceProvider();
        await _l2Node.GetRequiredService<IRedisCoherence>().StartAsync();
        _l2Cache = _l2Node.GetRequiredService<IFileCache>();
        await _l2Cache.ReadAsync("p", _path);
        await _l2Cache.ReadAsync("p", _path);
        if (_l2Node.GetRequiredService<IRedisCoherence>().GetStatus().L2Hits == 0)
        {
            throw new InvalidOperationException("The L2 node did not hit its L2: the benchmark would measure something else.");
        }

        var hybrid = new ServiceCollection();
        hybrid.AddStackExchangeRedisCache(o => o.Configuration = _server.Configuration);
        hybrid.AddHybridCache();
        _hybridProvider = hybrid.BuildServiceProvider();
        _hybrid = _hybridProvider.GetRequiredService<HybridCache>();
        await _hybrid.SetAsync(_path, bytes);
    }

    private ServiceProvider Caller(PeerNode owner, PeerNode caller, int? maxEntryBytes)
    {
        var services = new ServiceCollection();
        services.AddFileCache(o =>
        {
            o.AddProject("p", _root);
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
        _plain.Dispose();
        _diskCache.Dispose();
        _memory.Dispose();
        await _peersOnProvider.DisposeAsync();
        await _callerProvider.DisposeAsync();
        await _owner.StopAsync();
        await _owner.DisposeAsync();
        await _l2Node.DisposeAsync();
        await _hybridProvider.DisposeAsync();
        await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Hit")]
    public bool Hit_PeersOff() => _plain.TryGet(_plainKey, out CachedFile? _);

    [Benchmark]
    [BenchmarkCategory("Hit")]
    public bool Hit_PeersOn() => _peersOn.TryGet(_peersOnKey, out CachedFile? _);

    [Benchmark]
    [BenchmarkCategory("Hit")]
    public bool Hit_MemoryCache() => _memory.TryGetValue(_path, out object? _);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Load16K")]
    public async Task<int> DiskRead() => (await _diskCache.ReadAsync("p", _path)).Length;

    [Benchmark]
    [BenchmarkCategory("Load16K")]
    public async Task<int> PeerFetch() => (await _caller.ReadAsync("p", _path)).Length;

    [Benchmark]
    [BenchmarkCategory("Load16K")]
    public async Task<int> FileCacheL2Hit() => (await _l2Cache.ReadAsync("p", _path)).Length;

    [Benchmark]
    [BenchmarkCategory("Load16K")]
    public async Task<int> HybridCacheL2Hit() => (await _hybrid.GetOrCreateAsync(_path, static _ => ValueTask.FromResult(Array.Empty<byte>()), L2Only)).Length;
}
