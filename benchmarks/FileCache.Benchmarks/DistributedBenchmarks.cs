using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace FileCache.Benchmarks;

/// <summary>
/// Distributed mode (Ferrule.FileCache.Redis) against an embedded Garnet server (or FILECACHE_REDIS), all in one run:
/// a hit with the node started vs without it (the hit path must not change), and a miss of one 16 KiB file served by the
/// L2 vs read from the disk vs HybridCache's L2 hit (Microsoft.Extensions.Caching.StackExchangeRedis, same server). The
/// server, the file and the load rows' readers are <see cref="L2BenchmarkRig"/>'s (shared with <see cref="PeersBenchmarks"/>).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class DistributedBenchmarks
{
    private L2BenchmarkRig? _rig;
    private IFileCache _plain = null!;
    private FileKey _plainKey;
    private IFileCache _distributed = null!;
    private FileKey _distributedKey;
    private IFileCache _unchecked = null!;
    private FileKey _uncheckedKey;

    [GlobalSetup]
    public async Task Setup()
    {
        _rig = new L2BenchmarkRig("dist-bench", "big.txt");
        await _rig.StartAsync();
        _plain = _rig.Plain;
        _plainKey = _rig.PlainKey;

        // Distributed on: a node of the same cluster that keeps the file (read once), no L2.
        (_distributed, _) = await _rig.StartNodeAsync(useL2: false, maxEntryBytes: null);
        _distributedKey = _distributed.CreateKey(L2BenchmarkRig.Project, _rig.Path);
        await _distributed.ReadAsync(_distributedKey);

        // The same without the hit's lease check (the broken build of the paused-node scenario): what the check costs.
        (_unchecked, _) = await _rig.StartNodeAsync(useL2: false, maxEntryBytes: null, checkLeaseOnHit: false);
        _uncheckedKey = _unchecked.CreateKey(L2BenchmarkRig.Project, _rig.Path);
        await _unchecked.ReadAsync(_uncheckedKey);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Hit")]
    public bool Hit_DistributedOff() => _plain.TryGet(_plainKey, out CachedFile? _);

    [Benchmark]
    [BenchmarkCategory("Hit")]
    public bool Hit_DistributedOn() => _distributed.TryGet(_distributedKey, out CachedFile? _);

    [Benchmark]
    [BenchmarkCategory("Hit")]
    public bool Hit_DistributedOn_NoLeaseCheck() => _unchecked.TryGet(_uncheckedKey, out CachedFile? _);

    // The clock the lease check reads, alone: its cost is the floor of a checked hit.
    [Benchmark]
    [BenchmarkCategory("Hit")]
    public long CoarseClockRead() => FileCache.Internal.CoarseClock.SystemMilliseconds;

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Load16K")]
    public Task<int> DiskRead() => _rig!.ReadFromDiskAsync();

    [Benchmark]
    [BenchmarkCategory("Load16K")]
    public Task<int> FileCacheL2Hit() => _rig!.ReadFromL2Async();

    [Benchmark]
    [BenchmarkCategory("Load16K")]
    public Task<int> HybridCacheL2Hit() => _rig!.ReadFromHybridL2Async();
}
