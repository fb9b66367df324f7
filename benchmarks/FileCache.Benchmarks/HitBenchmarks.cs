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
/// In the same run, the <c>Miss_*</c> rows price a <c>ReadAsync</c> miss of a real 4 KiB file (remove the key, read
/// it again) through the load pipeline with no stages registered and with one pass-through stage, against the
/// physical reader alone, which is what a miss called before the pipeline existed.
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
    private string[] _pathCopies = null!;
    private FileKey[] _keys = null!;
    private ConcurrentDictionary<string, byte[]> _dictionary = null!;
    private IFileCache _fileCache = null!;
    private MemoryCache _memoryCache = null!;
    private ConcurrentLru<string, byte[]> _lru = null!;
    private FusionCache _fusionCache = null!;
    private ServiceProvider _services = null!;
    private HybridCache _hybridCache = null!;
    private string _root = null!;
    private IFileCache _diskCache = null!;
    private IFileCache _stagedCache = null!;
    private FileKey[] _diskKeys = null!;
    private FileKey[] _stagedKeys = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _paths = BenchmarkData.Paths(KeyCount);

        // The same paths in other strings: a caller that builds its path per request (from a request, a file event),
        // so no lookup can match it by reference.
        _pathCopies = Array.ConvertAll(_paths, p => new string(p.AsSpan()));
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

        SetupMisses();

        // Every row must read KeyCount hits of the right length; a row that missed would measure something else.
        long expected = (long)KeyCount * ValueBytes;
        foreach (var (name, total) in new (string, long)[]
        {
            (nameof(ConcurrentDictionary_TryGetValue), ConcurrentDictionary_TryGetValue()),
            (nameof(FileCache_TryGet_PreparedKey), FileCache_TryGet_PreparedKey()),
            (nameof(FileCache_TryGet_ProjectPath), FileCache_TryGet_ProjectPath()),
            (nameof(ConcurrentDictionary_TryGetValue_CopiedPath), ConcurrentDictionary_TryGetValue_CopiedPath()),
            (nameof(FileCache_TryGet_ProjectPath_CopiedPath), FileCache_TryGet_ProjectPath_CopiedPath()),
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
        var disk = _diskCache.GetStatistics().Total;
        Console.WriteLine($"// Miss rows: {disk.Hits} hits, {disk.Misses} misses, {disk.Loads} loads (expected 0 hits, loads = misses).");
        _diskCache.Dispose();
        _stagedCache.Dispose();
        Directory.Delete(_root, recursive: true);
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

    /// <summary>As <see cref="ConcurrentDictionary_TryGetValue"/>, with paths in strings other than the stored keys'.</summary>
    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long ConcurrentDictionary_TryGetValue_CopiedPath()
    {
        var cache = _dictionary;
        string[] paths = _pathCopies;
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

    /// <summary>As <see cref="FileCache_TryGet_ProjectPath"/>, with paths in strings other than those the keys were made from.</summary>
    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long FileCache_TryGet_ProjectPath_CopiedPath()
    {
        var cache = _fileCache;
        string[] paths = _pathCopies;
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
    /// <c>FILECACHE_BENCH_JOBS=native</c> leaves out the AVX2-only job.
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
            // FILECACHE_BENCH_JOBS=native runs the first job alone (a quicker check of the same rows).
            if (!string.Equals(Environment.GetEnvironmentVariable("FILECACHE_BENCH_JOBS"), "native", StringComparison.OrdinalIgnoreCase))
            {
                AddJob(length.WithId("AVX2-only").WithEnvironmentVariables(
                    new EnvironmentVariable("DOTNET_EnableAVX512F", "0"),
                    new EnvironmentVariable("DOTNET_PreferredVectorBitWidth", "256")));
            }
        }
    }

    /// <summary>Misses per invocation of a <c>Miss_*</c> row.</summary>
    public const int MissesPerInvoke = 64;

    /// <summary>Size of each file a <c>Miss_*</c> row reads.</summary>
    public const int FileBytes = 4096;

    /// <summary>The floor of a miss, and what a miss called before the load pipeline: the physical reader alone (open, stat, read, probe, stat).</summary>
    [Benchmark(OperationsPerInvoke = MissesPerInvoke)]
    public async Task<long> Miss_PhysicalReader_Direct()
    {
        long total = 0;
        for (int n = 0; n < MissesPerInvoke; n++)
        {
            string path = _paths[_next++ & (KeyCount - 1)];
            var (content, _) = await Sources.PhysicalFileReader.ReadAsync(Path.Join(_root, path), _root, CancellationToken.None);
            total += content.Length;
        }

        return total;
    }

    /// <summary>A miss through the load pipeline with no stages registered (the built-in telemetry, compression and read-through stages).</summary>
    [Benchmark(OperationsPerInvoke = MissesPerInvoke)]
    public Task<long> Miss_FileCache_ReadAsync() => MissAsync(_diskCache, _diskKeys);

    /// <summary>A miss through the load pipeline with one registered stage that only calls the next: the general path, with its load context.</summary>
    [Benchmark(OperationsPerInvoke = MissesPerInvoke)]
    public Task<long> Miss_FileCache_ReadAsync_OneStage() => MissAsync(_stagedCache, _stagedKeys);

    private async Task<long> MissAsync(IFileCache cache, FileKey[] keys)
    {
        long total = 0;
        for (int n = 0; n < MissesPerInvoke; n++)
        {
            var key = keys[_next++ & (KeyCount - 1)];
            cache.Remove(key);
            var file = await cache.ReadAsync(key);
            total += file.Length;
        }

        return total;
    }

    private void SetupMisses()
    {
        _root = Directory.CreateTempSubdirectory("filecache-hit-bench-").FullName;
        var bytes = new byte[FileBytes];
        new Random(7).NextBytes(bytes);
        foreach (string path in _paths)
        {
            string full = Path.Join(_root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, bytes);
        }

        _root = Keys.PathNormalizer.NormalizeRoot(_root);
        _diskCache = CreateDiskCache(stage: null);
        _stagedCache = CreateDiskCache(static (context, next) => next(context));
        _diskKeys = BenchmarkData.Keys(_diskCache, _paths);
        _stagedKeys = BenchmarkData.Keys(_stagedCache, _paths);
        long expected = (long)MissesPerInvoke * FileBytes;
        if (Miss_PhysicalReader_Direct().GetAwaiter().GetResult() != expected || Miss_FileCache_ReadAsync().GetAwaiter().GetResult() != expected
            || Miss_FileCache_ReadAsync_OneStage().GetAwaiter().GetResult() != expected)
        {
            throw new InvalidOperationException("A miss row did not read its 4 KiB files.");
        }
    }

    private IFileCache CreateDiskCache(Loading.FileLoadStage? stage)
    {
        var options = new FileCacheOptions().AddProject(BenchmarkData.Project, _root);
        options.Invalidation.Mode = Invalidation.ValidationMode.None;
        if (stage is not null)
        {
            options.LoadStages.Add(stage);
        }

        return FileCacheFactory.Create(options);
    }
}
