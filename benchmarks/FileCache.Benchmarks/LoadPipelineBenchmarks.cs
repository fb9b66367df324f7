using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;

namespace FileCache.Benchmarks;

/// <summary>
/// The load pipeline's cost: a prepared-key hit (which stays out of the pipeline) against a
/// <see cref="ConcurrentDictionary{TKey, TValue}"/> lookup, and a <c>ReadAsync</c> miss of a real 4 KiB file (each
/// operation removes the key, then reads it again: one trip through the loads, the pipeline and the disk) against the
/// same file read by the physical reader alone. Uses only API that exists before and after the pipeline, so the class
/// runs unchanged on an older commit for a "before" row.
/// </summary>
[MemoryDiagnoser]
public class LoadPipelineBenchmarks
{
    private const int KeyCount = 1024;
    private const int FileBytes = 4096;
    private const int MissesPerInvoke = 64;

    private string _root = null!;
    private string[] _paths = null!;
    private FileKey[] _keys = null!;
    private ConcurrentDictionary<string, CachedFile> _dictionary = null!;
    private IFileCache _cache = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _root = Directory.CreateTempSubdirectory("filecache-pipeline-bench-").FullName;
        _paths = BenchmarkData.Paths(KeyCount);
        var bytes = new byte[FileBytes];
        new Random(7).NextBytes(bytes);
        foreach (string path in _paths)
        {
            string full = Path.Join(_root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, bytes);
        }

        var options = new FileCacheOptions().AddProject(BenchmarkData.Project, _root);
        options.Invalidation.Mode = Invalidation.ValidationMode.None;
        _cache = FileCacheFactory.Create(options);
        _keys = BenchmarkData.Keys(_cache, _paths);
        _dictionary = new ConcurrentDictionary<string, CachedFile>(StringComparer.Ordinal);
        for (int i = 0; i < KeyCount; i++)
        {
            var file = _cache.ReadAsync(_keys[i]).AsTask().GetAwaiter().GetResult();
            _dictionary[_paths[i]] = file;
        }

        if (ConcurrentDictionary_TryGetValue() != (long)KeyCount * FileBytes || FileCache_TryGet_PreparedKey() != (long)KeyCount * FileBytes)
        {
            throw new InvalidOperationException("Not every lookup hit.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cache.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = KeyCount)]
    public long ConcurrentDictionary_TryGetValue()
    {
        var map = _dictionary;
        long total = 0;
        foreach (string path in _paths)
        {
            if (map.TryGetValue(path, out var file))
            {
                total += file.Length;
            }
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long FileCache_TryGet_PreparedKey()
    {
        var cache = _cache;
        long total = 0;
        foreach (var key in _keys)
        {
            if (cache.TryGetValue(key, out object? value))
            {
                total += ((CachedFile)value!).Length;
            }
        }

        return total;
    }

    /// <summary>The floor of a miss: the physical reader alone, on the same files (open, stat, read, probe, stat).</summary>
    [Benchmark(OperationsPerInvoke = MissesPerInvoke)]
    public async Task<long> PhysicalReader_Direct()
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

    /// <summary>A miss through the engine: remove the key, then read it again from disk.</summary>
    [Benchmark(OperationsPerInvoke = MissesPerInvoke)]
    public async Task<long> FileCache_ReadAsync_Miss()
    {
        var cache = _cache;
        long total = 0;
        for (int n = 0; n < MissesPerInvoke; n++)
        {
            var key = _keys[_next++ & (KeyCount - 1)];
            cache.Remove(key);
            var file = await cache.ReadAsync(key);
            total += file.Length;
        }

        return total;
    }
}
