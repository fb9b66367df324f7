using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BitFaster.Caching.Lru;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using ZiggyCreatures.Caching.Fusion;

namespace FileCache.Benchmarks;

/// <summary>
/// Single-threaded cache hits. Every cache holds the same <see cref="KeyCount"/> keys (48-character relative
/// paths) with 16 KiB <c>byte[]</c> values; every benchmark invocation reads each key once, in order, and
/// reports the cost of one read (<c>OperationsPerInvoke = KeyCount</c>). Every lookup is checked to hit.
/// Two jobs run every row: the machine as it is, and the same machine with AVX-512 turned off and vectors capped
/// at 256 bits (<see cref="InstructionSetsConfig"/>), which models an AVX2-only (x86-64-v3) server.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InstructionSetsConfig))]
public class HitBenchmarks
{
    /// <summary>Keys in the set (a power of two).</summary>
    public const int KeyCount = 1024;

    /// <summary>Size of each cached value.</summary>
    public const int ValueBytes = 16 * 1024;

    private static readonly TimeSpan LongTime = TimeSpan.FromDays(1);

    private string[] _paths = null!;
    private FileKey[] _keys = null!;
    private ConcurrentDictionary<string, byte[]> _dictionary = null!;
    private IFileCache _fileCache = null!;
    private MemoryCache _memoryCache = null!;
    private ConcurrentLru<string, byte[]> _lru = null!;
    private FusionCache _fusionCache = null!;
    private ServiceProvider _services = null!;
    private HybridCache _hybridCache = null!;

    [GlobalSetup]
    public void Setup()
    {
        _paths = BenchmarkData.Paths(KeyCount);
        byte[][] values = BenchmarkData.Values(KeyCount, ValueBytes);

        _dictionary = new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);
        _fileCache = BenchmarkData.CreateFileCache(FileCacheOptions.DefaultMaxBytes);
        _keys = BenchmarkData.Keys(_fileCache, _paths);
        _memoryCache = new MemoryCache(new MemoryCacheOptions());
        _lru = new ConcurrentLru<string, byte[]>(KeyCount * 2);
        _fusionCache = new FusionCache(new FusionCacheOptions { DefaultEntryOptions = new FusionCacheEntryOptions { Duration = LongTime } });
        _services = new ServiceCollection()
            .AddHybridCache(o => o.DefaultEntryOptions = new HybridCacheEntryOptions { Expiration = LongTime, LocalCacheExpiration = LongTime })
            .Services.BuildServiceProvider();
        _hybridCache = _services.GetRequiredService<HybridCache>();

        for (int i = 0; i < KeyCount; i++)
        {
            _dictionary[_paths[i]] = values[i];
            if (!_fileCache.Set(_keys[i], values[i]))
            {
                throw new InvalidOperationException("FileCache refused a value.");
            }

            _memoryCache.Set(_paths[i], values[i]);
            _lru.AddOrUpdate(_paths[i], values[i]);
            _fusionCache.Set(_paths[i], values[i]);
            _hybridCache.SetAsync(_paths[i], values[i]).AsTask().GetAwaiter().GetResult();
        }

        // Every row must read KeyCount hits of the right length; a row that missed would measure something else.
        long expected = (long)KeyCount * ValueBytes;
        foreach (var (name, total) in new (string, long)[]
        {
            (nameof(ConcurrentDictionary_TryGetValue), ConcurrentDictionary_TryGetValue()),
            (nameof(FileCache_TryGet_PreparedKey), FileCache_TryGet_PreparedKey()),
            (nameof(FileCache_TryGet_ProjectPath), FileCache_TryGet_ProjectPath()),
            (nameof(MemoryCache_TryGetValue), MemoryCache_TryGetValue()),
            (nameof(BitFaster_ConcurrentLru_TryGet), BitFaster_ConcurrentLru_TryGet()),
            (nameof(FusionCache_TryGet), FusionCache_TryGet()),
            (nameof(HybridCache_GetOrCreateAsync), HybridCache_GetOrCreateAsync()),
        })
        {
            if (total != expected)
            {
                throw new InvalidOperationException($"{name} read {total} bytes over the key set, expected {expected}: not every lookup hit.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _fileCache.Dispose();
        _memoryCache.Dispose();
        _fusionCache.Dispose();
        _services.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = KeyCount)]
    public long ConcurrentDictionary_TryGetValue()
    {
        var cache = _dictionary;
        string[] paths = _paths;
        long total = 0;
        for (int i = 0; i < paths.Length; i++)
        {
            if (cache.TryGetValue(paths[i], out byte[]? value))
            {
                total += value.Length;
            }
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long FileCache_TryGet_PreparedKey()
    {
        var cache = _fileCache;
        FileKey[] keys = _keys;
        long total = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            if (cache.TryGet<byte[]>(in keys[i], out var value))
            {
                total += value.Length;
            }
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long FileCache_TryGet_ProjectPath()
    {
        var cache = _fileCache;
        string[] paths = _paths;
        long total = 0;
        for (int i = 0; i < paths.Length; i++)
        {
            if (cache.TryGet<byte[]>(BenchmarkData.Project, paths[i], out var value))
            {
                total += value.Length;
            }
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long MemoryCache_TryGetValue()
    {
        var cache = _memoryCache;
        string[] paths = _paths;
        long total = 0;
        for (int i = 0; i < paths.Length; i++)
        {
            if (cache.TryGetValue(paths[i], out byte[]? value))
            {
                total += value!.Length;
            }
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long BitFaster_ConcurrentLru_TryGet()
    {
        var cache = _lru;
        string[] paths = _paths;
        long total = 0;
        for (int i = 0; i < paths.Length; i++)
        {
            if (cache.TryGet(paths[i], out byte[]? value))
            {
                total += value.Length;
            }
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long FusionCache_TryGet()
    {
        var cache = _fusionCache;
        string[] paths = _paths;
        long total = 0;
        for (int i = 0; i < paths.Length; i++)
        {
            var value = cache.TryGet<byte[]>(paths[i]);
            if (value.HasValue)
            {
                total += value.Value.Length;
            }
        }

        return total;
    }

    /// <summary>An L1 hit; HybridCache keeps a mutable <c>byte[]</c> serialized and copies it out on every hit.</summary>
    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long HybridCache_GetOrCreateAsync()
    {
        var cache = _hybridCache;
        string[] paths = _paths;
        long total = 0;
        for (int i = 0; i < paths.Length; i++)
        {
            ValueTask<byte[]> pending = cache.GetOrCreateAsync(paths[i], this, static (self, _) => self.HybridMiss());
            byte[] value = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
            total += value.Length;
        }

        return total;
    }

    private ValueTask<byte[]> HybridMiss() => throw new InvalidOperationException("HybridCache missed in a hit benchmark.");

    /// <summary>
    /// Two jobs in one table: <c>native</c> (whatever the machine has) and <c>AVX2-only</c> (the runtime told not to use
    /// AVX-512 and to prefer 256-bit vectors, as on an AVX2-only EPYC). Their length is medium unless the environment
    /// variable <c>FILECACHE_BENCH_JOB</c> says <c>short</c>; run these without <c>--job</c>, which would add a third.
    /// </summary>
    public sealed class InstructionSetsConfig : ManualConfig
    {
        public InstructionSetsConfig()
        {
            var length = string.Equals(Environment.GetEnvironmentVariable("FILECACHE_BENCH_JOB"), "short", StringComparison.OrdinalIgnoreCase)
                ? Job.ShortRun
                : Job.MediumRun;
            // Two cores shared with other builds: the default two-minute build timeout is not always enough.
            WithBuildTimeout(TimeSpan.FromMinutes(10));
            AddJob(length.WithId("native"));
            AddJob(length.WithId("AVX2-only").WithEnvironmentVariables(
                new EnvironmentVariable("DOTNET_EnableAVX512F", "0"),
                new EnvironmentVariable("DOTNET_PreferredVectorBitWidth", "256")));
        }
    }
}
