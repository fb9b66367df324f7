using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using BitFaster.Caching.Lru;
using FileCache.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FileCache.Benchmarks;

/// <summary>
/// What the dashboard costs a hit while nobody watches. The single-threaded hit of <see cref="HitBenchmarks"/>
/// (1,024 prepared keys, 16 KiB values, <c>OperationsPerInvoke = KeyCount</c>) on two FileCaches configured alike
/// through DI: one alone (the baseline), one inside a started ASP.NET Core app (Kestrel on loopback) with
/// <c>AddDashboard()</c>, <c>MapFileCacheDashboard</c> and the health check registered, and no request. Beside them,
/// <c>ConcurrentDictionary</c>, BitFaster's <c>ConcurrentLru</c> and <c>MemoryCache</c> on the same keys.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class DashboardBenchmarks
{
    public const int KeyCount = 1024;
    public const int ValueBytes = 16 * 1024;

    private string[] _paths = null!;
    private ConcurrentDictionary<string, byte[]> _dictionary = null!;
    private ConcurrentLru<string, byte[]> _lru = null!;
    private MemoryCache _memoryCache = null!;
    private ServiceProvider _alone = null!;
    private WebApplication _app = null!;
    private IFileCache _plain = null!;
    private IFileCache _dashboarded = null!;
    private FileKey[] _plainKeys = null!;
    private FileKey[] _dashboardedKeys = null!;

    [GlobalSetup]
    public void Setup()
    {
        _paths = BenchmarkData.Paths(KeyCount);
        byte[][] values = BenchmarkData.Values(KeyCount, ValueBytes);
        _dictionary = new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);
        _lru = new ConcurrentLru<string, byte[]>(KeyCount * 2);
        _memoryCache = new MemoryCache(new MemoryCacheOptions());

        var services = new ServiceCollection();
        services.AddFileCache(Configure);
        _alone = services.BuildServiceProvider();
        _plain = _alone.GetRequiredService<IFileCache>();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddFileCache(Configure).AddDashboard();
        builder.Services.AddHealthChecks().AddFileCache();
        _app = builder.Build();
        _app.MapFileCacheDashboard("/filecache");
        _app.MapHealthChecks("/health");
        _app.StartAsync().GetAwaiter().GetResult();
        _dashboarded = _app.Services.GetRequiredService<IFileCache>();

        _plainKeys = BenchmarkData.Keys(_plain, _paths);
        _dashboardedKeys = BenchmarkData.Keys(_dashboarded, _paths);
        for (int i = 0; i < KeyCount; i++)
        {
            _dictionary[_paths[i]] = values[i];
            _lru.AddOrUpdate(_paths[i], values[i]);
            _memoryCache.Set(_paths[i], values[i]);
            if (!_plain.Set(_plainKeys[i], values[i]) || !_dashboarded.Set(_dashboardedKeys[i], values[i]))
            {
                throw new InvalidOperationException("FileCache refused a value.");
            }
        }

        long expected = (long)KeyCount * ValueBytes;
        foreach (var (name, total) in new (string, long)[]
        {
            (nameof(FileCache_Hit), FileCache_Hit()),
            (nameof(FileCache_Hit_DashboardMappedNobodyWatching), FileCache_Hit_DashboardMappedNobodyWatching()),
            (nameof(ConcurrentDictionary_TryGetValue), ConcurrentDictionary_TryGetValue()),
            (nameof(BitFaster_ConcurrentLru_TryGet), BitFaster_ConcurrentLru_TryGet()),
            (nameof(MemoryCache_TryGetValue), MemoryCache_TryGetValue()),
        })
        {
            if (total != expected)
            {
                throw new InvalidOperationException($"{name} read {total} bytes, expected {expected}: not every lookup hit.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _app.StopAsync().GetAwaiter().GetResult();
        ((IDisposable)_app).Dispose();
        _alone.Dispose();
        _memoryCache.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = KeyCount)]
    public long FileCache_Hit() => Read(_plain, _plainKeys);

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long FileCache_Hit_DashboardMappedNobodyWatching() => Read(_dashboarded, _dashboardedKeys);

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long ConcurrentDictionary_TryGetValue()
    {
        long total = 0;
        foreach (string path in _paths)
        {
            if (_dictionary.TryGetValue(path, out byte[]? value))
            {
                total += value.Length;
            }
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long BitFaster_ConcurrentLru_TryGet()
    {
        long total = 0;
        foreach (string path in _paths)
        {
            if (_lru.TryGet(path, out byte[]? value))
            {
                total += value.Length;
            }
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long MemoryCache_TryGetValue()
    {
        long total = 0;
        foreach (string path in _paths)
        {
            if (_memoryCache.TryGetValue(path, out byte[]? value))
            {
                total += value!.Length;
            }
        }

        return total;
    }

    private static void Configure(FileCacheOptions o)
    {
        o.MaxBytes = FileCacheOptions.DefaultMaxBytes;
        o.AddProject(BenchmarkData.Project, rootPath: null);
    }

    private static long Read(IFileCache cache, FileKey[] keys)
    {
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
}
