using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Memory;

namespace FileCache.Benchmarks;

/// <summary>
/// What a <c>ReadAsync</c> miss costs next to reading the file without a cache: one 16 KiB file, warm in the OS page
/// cache, four directories deep. Every FileCache operation is a real miss: the entry is removed, then read (the
/// removal is part of the row, a few hundred nanoseconds). The baseline is <see cref="File.ReadAllBytes(string)"/>;
/// <see cref="File.ReadAllBytesAsync(string, CancellationToken)"/> and a <see cref="MemoryCache"/> miss that reads
/// with <see cref="File.ReadAllBytes(string)"/> (remove, then <c>GetOrCreate</c>) stand beside it. FileCache's miss
/// also checks that no link on the way leaves the root, that the path is a regular file, and that the file did not
/// change while it was read, which the others do not.
/// </summary>
[MemoryDiagnoser]
public class MissReadBenchmarks
{
    /// <summary>Size of the file.</summary>
    public const int FileBytes = 16 * 1024;

    private const string RelativePath = "src/components/module-0000/file-name-00000000.cs";

    private string _root = null!;
    private string _fullPath = null!;
    private IFileCache _cache = null!;
    private MemoryCache _memoryCache = null!;
    private FileKey _key;
    private CachedFile _file = null!;

    [GlobalSetup]
    public void Setup()
    {
        _root = Directory.CreateTempSubdirectory("filecache-bench-").FullName;
        _fullPath = Path.Combine(_root, RelativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(_fullPath)!);
        File.WriteAllBytes(_fullPath, BenchmarkData.Values(1, FileBytes)[0]);

        _cache = FileCacheFactory.Create(new FileCacheOptions().AddProject(BenchmarkData.Project, _root));
        _memoryCache = new MemoryCache(new MemoryCacheOptions());
        _key = _cache.CreateKey(BenchmarkData.Project, RelativePath);
        _root = Keys.PathNormalizer.NormalizeRoot(_root);
        _file = FileCache_ReadAsync_Miss().GetAwaiter().GetResult();
        if (_file.Length != FileBytes || Reader_Alone().GetAwaiter().GetResult() != FileBytes || File_ReadAllBytes().Length != FileBytes
            || MemoryCache_GetOrCreate_Miss().Length != FileBytes)
        {
            throw new InvalidOperationException("The test file does not read back as 16 KiB.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        // Every FileCache read must have been a load from disk: as many loads as misses, no hits.
        var total = _cache.GetStatistics().Total;
        Console.WriteLine($"// FileCache: {total.Hits} hits, {total.Misses} misses, {total.Loads} loads (expected 0 hits, loads = misses).");
        _cache.Dispose();
        _memoryCache.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public byte[] File_ReadAllBytes() => File.ReadAllBytes(_fullPath);

    [Benchmark]
    public Task<byte[]> File_ReadAllBytesAsync() => File.ReadAllBytesAsync(_fullPath);

    [Benchmark]
    public async Task<CachedFile> FileCache_ReadAsync_Miss()
    {
        _cache.Remove(_key);
        return await _cache.ReadAsync(_key).ConfigureAwait(false);
    }

    /// <summary>Diagnostic: the disk read alone, as a miss does it (every check included), without the cache around it.</summary>
    [Benchmark]
    public async Task<int> Reader_Alone()
    {
        var (content, _) = await Sources.PhysicalFileReader.ReadAsync(_fullPath, _root, CancellationToken.None).ConfigureAwait(false);
        return content.Length;
    }

    /// <summary>Diagnostic: what the cache around the read costs without the disk: remove the entry, set the same file again.</summary>
    [Benchmark]
    public bool FileCache_Remove_Set()
    {
        _cache.Remove(_key);
        return _cache.Set(_key, _file);
    }

    [Benchmark]
    public byte[] MemoryCache_GetOrCreate_Miss()
    {
        _memoryCache.Remove(RelativePath);
        return _memoryCache.GetOrCreate(RelativePath, _ => File.ReadAllBytes(_fullPath))!;
    }
}
