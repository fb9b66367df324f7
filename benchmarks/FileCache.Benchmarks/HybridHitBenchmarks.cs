using BenchmarkDotNet.Attributes;
using FileCache.Hybrid;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace FileCache.Benchmarks;

/// <summary>A HybridCache hit: the FileCache-backed implementation against Microsoft's default, same key, same value.</summary>
[MemoryDiagnoser]
public class HybridHitBenchmarks
{
    private const string Key = "user/42/profile";
    private static readonly Func<CancellationToken, ValueTask<string>> Factory = _ => ValueTask.FromResult("value");
    private ServiceProvider _default = null!;
    private HybridCache _defaultCache = null!;
    private IFileCache _fileCache = null!;
    private HybridCache _fileHybrid = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        var services = new ServiceCollection();
        services.AddHybridCache();
        _default = services.BuildServiceProvider();
        _defaultCache = _default.GetRequiredService<HybridCache>();
        var options = new FileCacheOptions();
        options.Invalidation.Mode = Invalidation.ValidationMode.None;
        _fileCache = FileCacheFactory.Create(options);
        _fileHybrid = FileHybridCacheFactory.Create(_fileCache);
        await _defaultCache.GetOrCreateAsync(Key, Factory);
        await _fileHybrid.GetOrCreateAsync(Key, Factory);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _default.Dispose();
        _fileCache.Dispose();
    }

    [Benchmark(Baseline = true)]
    public ValueTask<string> DefaultHybridCacheHit() => _defaultCache.GetOrCreateAsync(Key, Factory);

    [Benchmark]
    public ValueTask<string> FileCacheHybridHit() => _fileHybrid.GetOrCreateAsync(Key, Factory);
}
