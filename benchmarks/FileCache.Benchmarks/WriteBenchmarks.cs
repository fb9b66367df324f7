using BenchmarkDotNet.Attributes;
using FileCache.Writing;

namespace FileCache.Benchmarks;

/// <summary>
/// One 16 KiB file written through (temporary file, fsync, rename, then the cache) against written behind (the cache now;
/// the flush runs later, off the caller's path). Issue 15's bar: write-behind at most 1/10 of write-through.
/// </summary>
[MemoryDiagnoser]
public class WriteBenchmarks
{
    private readonly byte[] _content = new byte[16 * 1024];
    private string _root = string.Empty;
    private IFileCache _cache = null!;

    [GlobalSetup]
    public void Setup()
    {
        Random.Shared.NextBytes(_content);
        _root = Path.Combine(Path.GetTempPath(), "filecache-bench-write-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
        var options = new FileCacheOptions { MaxBytes = 256L * 1024 * 1024 };
        options.Invalidation.Mode = Invalidation.ValidationMode.None;
        options.Writing.WriteBehindDelay = TimeSpan.FromMilliseconds(50);
        options.AddProject("p", _root);
        _cache = FileCacheFactory.Create(options);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cache.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public ValueTask<CachedFile> WriteThrough() => _cache.WriteAsync("p", "through.bin", _content, WriteMode.WriteThrough);

    [Benchmark]
    public ValueTask<CachedFile> WriteBehind() => _cache.WriteAsync("p", "behind.bin", _content, WriteMode.WriteBehind);
}
