using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Memory;

namespace FileCache.Benchmarks;

/// <summary>
/// What the number of projects costs. <c>Set_Remove</c>: one key set and removed (an explicit invalidation) in a cache
/// with <see cref="Projects"/> projects registered, each with one value cached; the key's project is the first one.
/// Removal takes the cache-wide store lock, so its cost is paid by every writer: it must not grow with the project
/// count. <c>AddProject_Each</c>: registering <see cref="Projects"/> projects one by one into a new cache (one
/// operation = one registration; the cache is made and disposed in the iteration, which the per-operation figure
/// amortizes). Competitor row: MemoryCache <c>Set</c> + <c>Remove</c> of the same key (it has no projects).
/// </summary>
[MemoryDiagnoser]
public class ManyProjectsBenchmarks
{
    private const int OpsPerInvoke = 1024;
    private static readonly byte[] Value = new byte[16];
    private static readonly FileCacheEntryOptions Sized = new() { Size = 16 };

    private IFileCache _cache = null!;
    private FileKey _key;
    private MemoryCache _memory = null!;
    private string[] _names = null!;

    /// <summary>Projects registered.</summary>
    [Params(1, 10_000)]
    public int Projects { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _names = Enumerable.Range(0, Projects).Select(i => $"project-{i:D5}").ToArray();
        _cache = FileCacheFactory.Create(new FileCacheOptions { MaxBytes = 1L << 30 });
        foreach (string name in _names)
        {
            _cache.AddProject(new FileCacheProjectOptions { Name = name });
            _cache.Set(_cache.CreateKey(name, "resident"), Value, Sized);
        }

        _key = _cache.CreateKey(_names[0], "src/file.cs");
        _memory = new MemoryCache(new MemoryCacheOptions());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cache.Dispose();
        _memory.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = OpsPerInvoke)]
    public bool MemoryCache_Set_Remove()
    {
        for (int i = 0; i < OpsPerInvoke; i++)
        {
            _memory.Set("src/file.cs", Value);
            _memory.Remove("src/file.cs");
        }

        return true;
    }

    [Benchmark(OperationsPerInvoke = OpsPerInvoke)]
    public bool FileCache_Set_Remove()
    {
        bool removed = false;
        for (int i = 0; i < OpsPerInvoke; i++)
        {
            _cache.Set(_key, Value, Sized);
            removed = _cache.Remove(_key);
        }

        return removed;
    }

    [Benchmark(OperationsPerInvoke = 10_000)]
    public int FileCache_AddProject_Each()
    {
        using var cache = FileCacheFactory.Create(new FileCacheOptions { MaxBytes = 1L << 30 });
        for (int i = 0; i < 10_000; i++)
        {
            cache.AddProject(new FileCacheProjectOptions { Name = i < _names.Length ? _names[i] : $"extra-{i:D5}" });
        }

        return cache.Projects.Count;
    }
}
