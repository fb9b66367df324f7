using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;

namespace FileCache.Benchmarks;

/// <summary>
/// Reading a 16 KiB file: <see cref="File.ReadAllBytesAsync(string, CancellationToken)"/> (the baseline; the file
/// sits in the OS page cache after the first read, so this is the best case for the disk) against a FileCache
/// <c>ReadAsync</c> hit of the same file. One read per invocation. The ratio column reads "N x faster", as the
/// plain ratio of a hit to a disk read rounds to 0.000.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(TrendRatioConfig))]
public class ReadBenchmarks
{
    /// <summary>Size of the file.</summary>
    public const int FileBytes = 16 * 1024;

    private const string RelativePath = "src/components/module-0000/file-name-00000000.cs";

    private string _root = null!;
    private string _fullPath = null!;
    private IFileCache _cache = null!;
    private FileKey _key;

    [GlobalSetup]
    public void Setup()
    {
        _root = Directory.CreateTempSubdirectory("filecache-bench-").FullName;
        _fullPath = Path.Combine(_root, RelativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(_fullPath)!);
        File.WriteAllBytes(_fullPath, BenchmarkData.Values(1, FileBytes)[0]);

        _cache = FileCacheFactory.Create(new FileCacheOptions().AddProject(BenchmarkData.Project, _root));
        _key = _cache.CreateKey(BenchmarkData.Project, RelativePath);
        var first = _cache.ReadAsync(_key).AsTask().GetAwaiter().GetResult();
        if (first.Length != FileBytes || File_ReadAllBytesAsync().GetAwaiter().GetResult().Length != FileBytes)
        {
            throw new InvalidOperationException("The test file does not read back as 16 KiB.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        // Every FileCache read after the first must have been a hit: exactly one load from disk.
        var total = _cache.GetStatistics().Total;
        Console.WriteLine($"// FileCache: {total.Hits} hits, {total.Misses} misses, {total.Loads} loads (expected 1).");
        _cache.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public Task<byte[]> File_ReadAllBytesAsync() => File.ReadAllBytesAsync(_fullPath);

    [Benchmark]
    public ValueTask<CachedFile> FileCache_ReadAsync_PreparedKey() => _cache.ReadAsync(_key);

    [Benchmark]
    public ValueTask<CachedFile> FileCache_ReadAsync_ProjectPath() => _cache.ReadAsync(BenchmarkData.Project, RelativePath);

    /// <summary>Shows ratios as "N x faster/slower".</summary>
    public sealed class TrendRatioConfig : ManualConfig
    {
        public TrendRatioConfig() => SummaryStyle = SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend);
    }
}
