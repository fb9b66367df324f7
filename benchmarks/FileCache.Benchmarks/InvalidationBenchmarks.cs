using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using FileCache.Invalidation;
using Microsoft.Extensions.DependencyInjection;

namespace FileCache.Benchmarks;

/// <summary>
/// Invalidating one directory of <see cref="PerDirectory"/> entries in a cache of <see cref="Directories"/> ×
/// <see cref="PerDirectory"/> = 1,000,000 entries: through the path index (the built-in directory strategy), against
/// a full scan (a custom strategy that filters every key of the project, registered through the builder), and against
/// a scan of a plain <see cref="ConcurrentDictionary{TKey, TValue}"/> of the same paths. Each iteration first puts the
/// directory's entries back ([IterationSetup], not timed), so every measured call removes exactly 1,000 entries.
/// </summary>
[MemoryDiagnoser]
public class DirectoryInvalidationBenchmarks
{
    public const int Directories = 1000;
    public const int PerDirectory = 1000;
    private const string Target = "src/d0500";

    private static readonly byte[] Value = new byte[16];
    private static readonly FileCacheEntryOptions Sized = new() { Size = 64 };

    private ServiceProvider _services = null!;
    private IFileCache _cache = null!;
    private FileKey[] _targetKeys = null!;
    private ConcurrentDictionary<string, byte[]> _dictionary = null!;
    private string[] _targetPaths = null!;

    public static string PathFor(int index) => $"src/d{index / PerDirectory:D4}/f{index:D7}.cs";

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddFileCache(o =>
        {
            o.MaxBytes = 1L << 40;
            o.Invalidation.Mode = ValidationMode.None;
            o.AddProject(BenchmarkData.Project, rootPath: null);
        }).AddInvalidationStrategy<FullScanDirectoryStrategy>();
        _services = services.BuildServiceProvider();
        _cache = _services.GetRequiredService<IFileCache>();
        _dictionary = new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);
        var targets = new List<FileKey>();
        var targetPaths = new List<string>();
        for (int i = 0; i < Directories * PerDirectory; i++)
        {
            string path = PathFor(i);
            var key = _cache.CreateKey(BenchmarkData.Project, path);
            _cache.Set(key, Value, Sized);
            _dictionary[path] = Value;
            if (path.StartsWith(Target + "/", StringComparison.Ordinal))
            {
                targets.Add(key);
                targetPaths.Add(path);
            }
        }

        _targetKeys = [.. targets];
        _targetPaths = [.. targetPaths];
        if (_cache.GetStatistics().Total.Entries != Directories * PerDirectory || _targetKeys.Length != PerDirectory)
        {
            throw new InvalidOperationException("Setup did not build 1,000,000 entries with 1,000 in the target directory.");
        }
    }

    [IterationSetup]
    public void Refill()
    {
        foreach (var key in _targetKeys)
        {
            _cache.Set(key, Value, Sized);
        }

        foreach (string path in _targetPaths)
        {
            _dictionary[path] = Value;
        }
    }

    [Benchmark(Baseline = true)]
    public int PathIndex() => Check(_cache.Invalidate(InvalidationRequest.ForDirectory(BenchmarkData.Project, Target)).Invalidated);

    [Benchmark]
    public int FullScan() => Check(_cache.Invalidate(InvalidationRequest.Custom(FullScanDirectoryStrategy.Name, BenchmarkData.Project, Target)).Invalidated);

    [Benchmark]
    public int ConcurrentDictionary_FullScan()
    {
        int removed = 0;
        string prefix = Target + "/";
        foreach (var pair in _dictionary)
        {
            if (pair.Key.StartsWith(prefix, StringComparison.Ordinal) && _dictionary.TryRemove(pair.Key, out _))
            {
                removed++;
            }
        }

        return Check(removed);
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    private static int Check(int removed) =>
        removed == PerDirectory ? removed : throw new InvalidOperationException($"Removed {removed} entries, expected {PerDirectory}.");

    /// <summary>What directory invalidation costs without the index: look at every key of the project.</summary>
    public sealed class FullScanDirectoryStrategy : IInvalidationStrategy
    {
        public const string Name = "scan-directory";

        public bool CanExpand(InvalidationRequest request) => request is CustomInvalidation { Name: Name };

        public void Expand(InvalidationRequest request, IInvalidationScope scope, ICollection<FileKey> keys)
        {
            var custom = (CustomInvalidation)request;
            string prefix = custom.Argument! + "/";
            foreach (var key in scope.KeysUnder(custom.Project!, string.Empty))
            {
                if (key.Path.StartsWith(prefix, StringComparison.Ordinal))
                {
                    keys.Add(key);
                }
            }
        }

        public bool Matches(InvalidationRequest request, in FileKey key) => key.Path.StartsWith(((CustomInvalidation)request).Argument! + "/", StringComparison.Ordinal);
    }
}

/// <summary>
/// The cost of a hit on a file entry under <see cref="ValidationMode.ValidateOnRead"/>: inside its interval (one
/// field read and a compare against the coarse clock) and outside it (an interval of zero: a stat of the file on
/// every hit), with the plain hit of the default configuration (<see cref="ValidationMode.Watch"/>) and a
/// <see cref="ConcurrentDictionary{TKey, TValue}"/> lookup as references. <see cref="KeyCount"/> real files of 1 KiB,
/// last written an hour ago; each invocation reads every key once (<c>OperationsPerInvoke = KeyCount</c>).
/// </summary>
[MemoryDiagnoser]
public class ValidateOnReadHitBenchmarks
{
    public const int KeyCount = 1024;

    private string _root = null!;
    private string[] _paths = null!;
    private ConcurrentDictionary<string, CachedFile> _dictionary = null!;
    private IFileCache _watch = null!;
    private IFileCache _inside = null!;
    private IFileCache _outside = null!;
    private FileKey[] _watchKeys = null!;
    private FileKey[] _insideKeys = null!;
    private FileKey[] _outsideKeys = null!;

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "filecache-bench-" + Guid.NewGuid().ToString("N"));
        _paths = BenchmarkData.Paths(KeyCount);
        var old = DateTime.UtcNow.AddHours(-1);
        var bytes = new byte[1024];
        foreach (string path in _paths)
        {
            string full = Path.Combine(_root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, bytes);
            File.SetLastWriteTimeUtc(full, old);
        }

        (_watch, _watchKeys) = Create(ValidationMode.Watch, TimeSpan.FromHours(1));
        (_inside, _insideKeys) = Create(ValidationMode.ValidateOnRead, TimeSpan.FromHours(1));
        (_outside, _outsideKeys) = Create(ValidationMode.ValidateOnRead, TimeSpan.Zero);
        _dictionary = new ConcurrentDictionary<string, CachedFile>(StringComparer.Ordinal);
        for (int i = 0; i < KeyCount; i++)
        {
            _watch.TryGet(_watchKeys[i], out CachedFile? file);
            _dictionary[_paths[i]] = file!;
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = KeyCount)]
    public int ConcurrentDictionary_Hit()
    {
        int total = 0;
        foreach (string path in _paths)
        {
            total += _dictionary.TryGetValue(path, out var file) ? file.Length : Fail();
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public int Watch_Hit() => Read(_watch, _watchKeys);

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public int ValidateOnRead_InsideInterval_Hit() => Read(_inside, _insideKeys);

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public int ValidateOnRead_OutsideInterval_Hit() => Read(_outside, _outsideKeys);

    [GlobalCleanup]
    public void Cleanup()
    {
        _watch.Dispose();
        _inside.Dispose();
        _outside.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private static int Read(IFileCache cache, FileKey[] keys)
    {
        int total = 0;
        foreach (var key in keys)
        {
            total += cache.TryGet(key, out CachedFile? file) ? file!.Length : Fail();
        }

        return total;
    }

    private static int Fail() => throw new InvalidOperationException("A read missed.");

    private (IFileCache Cache, FileKey[] Keys) Create(ValidationMode mode, TimeSpan interval)
    {
        var options = new FileCacheOptions().AddProject(BenchmarkData.Project, _root);
        options.Invalidation.Mode = mode;
        options.Invalidation.ValidationInterval = interval;
        var cache = FileCacheFactory.Create(options);
        var keys = BenchmarkData.Keys(cache, _paths);
        foreach (var key in keys)
        {
            cache.ReadAsync(key).AsTask().GetAwaiter().GetResult();
        }

        return (cache, keys);
    }
}
