using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using FileCache.Redis;
using FileCache.Redis.Testing;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace FileCache.Benchmarks;

/// <summary>
/// Distributed mode (Ferrule.FileCache.Redis) against an embedded Garnet server (or FILECACHE_REDIS), all in one run:
/// a hit with the node started vs without it (the hit path must not change), and a miss of one 16 KiB file served by the
/// L2 vs read from the disk vs HybridCache's L2 hit (Microsoft.Extensions.Caching.StackExchangeRedis, same server).
/// The load rows use caches whose <c>MaxEntryBytes</c> refuses the file, so every read is a miss through the pipeline.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class DistributedBenchmarks
{
    private const string Path16K = "big.txt";
    private static readonly HybridCacheEntryOptions L2Only = new() { Flags = HybridCacheEntryFlags.DisableLocalCache };
    private RedisTestServer _server = null!;
    private string _root = null!;
    private IFileCache _plain = null!;
    private ServiceProvider _distributed = null!;
    private IFileCache _distributedCache = null!;
    private FileKey _plainKey;
    private FileKey _distributedKey;
    private ServiceProvider _l2Node = null!;
    private IFileCache _l2Cache = null!;
    private IFileCache _diskCache = null!;
    private ServiceProvider _hybridProvider = null!;
    private HybridCache _hybrid = null!;
    private byte[] _bytes = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _server = await RedisTestServer.StartAsync();
        _root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fc-dist-bench-" + Environment.ProcessId);
        Directory.CreateDirectory(_root);
        _bytes = new byte[16 * 1024];
        new Random(42).NextBytes(_bytes);
        await File.WriteAllBytesAsync(System.IO.Path.Combine(_root, Path16K), _bytes);
        File.SetLastWriteTimeUtc(System.IO.Path.Combine(_root, Path16K), DateTime.UtcNow.AddMinutes(-10));

        var options = new FileCacheOptions();
        options.AddProject("p", _root);
        _plain = FileCacheFactory.Create(options);
        _plainKey = _plain.CreateKey("p", Path16K);
        await _plain.ReadAsync(_plainKey);

        string cluster = "bench" + Environment.ProcessId;
        _distributed = Node(cluster, useL2: false, maxEntryBytes: null);
        await _distributed.GetRequiredService<IRedisCoherence>().StartAsync();
        _distributedCache = _distributed.GetRequiredService<IFileCache>();
        _distributedKey = _distributedCache.CreateKey("p", Path16K);
        await _distributedCache.ReadAsync(_distributedKey);

        // The L2 node refuses to keep the file (MaxEntryBytes), so each read misses and asks the L2; a first read fills it.
        _l2Node = Node(cluster, useL2: true, maxEntryBytes: 1024);
        await _l2Node.GetRequiredService<IRedisCoherence>().StartAsync();
        _l2Cache = _l2Node.GetRequiredService<IFileCache>();
        await _l2Cache.ReadAsync("p", Path16K);
        await _l2Cache.ReadAsync("p", Path16K);
        if (_l2Node.GetRequiredService<IRedisCoherence>().GetStatus().L2Hits == 0)
        {
            throw new InvalidOperationException("The L2 node did not hit its L2: the benchmark would measure something else.");
        }

        var disk = new FileCacheOptions { MaxEntryBytes = 1024 };
        disk.AddProject("p", _root);
        _diskCache = FileCacheFactory.Create(disk);

        var services = new ServiceCollection();
        services.AddStackExchangeRedisCache(o => o.Configuration = _server.Configuration);
        services.AddHybridCache();
        _hybridProvider = services.BuildServiceProvider();
        _hybrid = _hybridProvider.GetRequiredService<HybridCache>();
        await _hybrid.SetAsync(Path16K, _bytes);
    }

    private ServiceProvider Node(string cluster, bool useL2, int? maxEntryBytes)
    {
        var services = new ServiceCollection();
        services.AddStackExchangeRedisCache(o => o.Configuration = _server.Configuration);
        services.AddFileCache(o =>
        {
            o.AddProject("p", _root);
            o.MaxEntryBytes = maxEntryBytes;
        }).AddRedisCoherence(_server.Configuration, o =>
        {
            o.ClusterName = cluster;
            o.UseL2 = useL2;
        });
        return services.BuildServiceProvider();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _plain.Dispose();
        _diskCache.Dispose();
        await _distributed.DisposeAsync();
        await _l2Node.DisposeAsync();
        await _hybridProvider.DisposeAsync();
        await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Hit")]
    public bool Hit_DistributedOff() => _plain.TryGet(_plainKey, out CachedFile? _);

    [Benchmark]
    [BenchmarkCategory("Hit")]
    public bool Hit_DistributedOn() => _distributedCache.TryGet(_distributedKey, out CachedFile? _);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Load16K")]
    public async Task<int> DiskRead() => (await _diskCache.ReadAsync("p", Path16K)).Length;

    [Benchmark]
    [BenchmarkCategory("Load16K")]
    public async Task<int> FileCacheL2Hit() => (await _l2Cache.ReadAsync("p", Path16K)).Length;

    [Benchmark]
    [BenchmarkCategory("Load16K")]
    public async Task<int> HybridCacheL2Hit() => (await _hybrid.GetOrCreateAsync(Path16K, static _ => ValueTask.FromResult(Array.Empty<byte>()), L2Only)).Length;
}
