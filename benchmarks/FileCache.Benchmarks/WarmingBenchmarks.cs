using BenchmarkDotNet.Attributes;
using FileCache.Sources;
using FileCache.Warming;
using Microsoft.Extensions.Caching.Memory;

namespace FileCache.Benchmarks;

/// <summary>
/// What warming adds to a miss. Every operation is a real miss (remove, then <c>ReadAsync</c>) of one of 64 files read in a
/// fixed cycle from an in-memory source (no disk: only the cache's own work is measured), so the co-access model learns
/// "k<sub>i</sub> is followed by k<sub>i+1</sub>" and predicts on every miss. Rows: no warming stage (baseline); the
/// warming stage without prediction (the foreground gate); with the model (learn and predict; predictions dropped); with
/// the model and a warmer (predictions queued as prefetches, which find the file cached and stop); a MemoryCache miss
/// (remove, <c>GetOrCreate</c> of the same bytes) beside them.
/// </summary>
[MemoryDiagnoser]
public class PredictionMissBenchmarks
{
    private const int Keys = 64;
    private static readonly byte[] Bytes = new byte[1024];
    private Node _plain = null!;
    private Node _gate = null!;
    private Node _model = null!;
    private Node _prefetch = null!;
    private MemoryCache _memoryCache = null!;
    private string[] _paths = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _paths = [.. Enumerable.Range(0, Keys).Select(i => $"src/module/file{i:D3}.cs")];
        _plain = new Node(stage: false, predict: false, warmer: false, _paths);
        _gate = new Node(stage: true, predict: false, warmer: false, _paths);
        _model = new Node(stage: true, predict: true, warmer: false, _paths);
        _prefetch = new Node(stage: true, predict: true, warmer: true, _paths);
        _memoryCache = new MemoryCache(new MemoryCacheOptions());
        for (int i = 0; i < Keys * 4; i++)
        {
            // Train the models: a few cycles.
            _model.MissAsync(i % Keys).AsTask().GetAwaiter().GetResult();
            _prefetch.MissAsync(i % Keys).AsTask().GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// model keys: {_model.Signals.Model!.Count}; prefetches issued: {_prefetch.Warmer!.GetStatistics().Prefetches}");
        _plain.Dispose();
        _gate.Dispose();
        _model.Dispose();
        _prefetch.Dispose();
        _memoryCache.Dispose();
    }

    private int Next() => _next = (_next + 1) % Keys;

    [Benchmark(Baseline = true)]
    public ValueTask<CachedFile> Miss_NoWarming() => _plain.MissAsync(Next());

    [Benchmark]
    public ValueTask<CachedFile> Miss_WarmingStage() => _gate.MissAsync(Next());

    [Benchmark]
    public ValueTask<CachedFile> Miss_WarmingStage_Model() => _model.MissAsync(Next());

    [Benchmark]
    public ValueTask<CachedFile> Miss_WarmingStage_Model_Prefetch() => _prefetch.MissAsync(Next());

    [Benchmark]
    public byte[] MemoryCache_Miss()
    {
        string path = _paths[Next()];
        _memoryCache.Remove(path);
        return _memoryCache.GetOrCreate(path, _ => Bytes)!;
    }

    private sealed class Node : IDisposable
    {
        private readonly FileKey[] _keys;

        public Node(bool stage, bool predict, bool warmer, string[] paths)
        {
            var options = new FileCacheOptions();
            options.Invalidation.Mode = Invalidation.ValidationMode.None;
            options.AddProject(BenchmarkData.Project, null, p => p.Source = new FixedSource());
            options.Warming.Predict = predict;
            Signals = new WarmingSignals(options.Warming, TimeProvider.System);
            if (stage)
            {
                options.LoadStages.Add(Signals.RunStageAsync);
            }

            Cache = FileCacheFactory.Create(options);
            Warmer = warmer ? new FileCacheWarmer(Cache, options.Warming, TimeProvider.System, Signals) : null;
            _keys = [.. paths.Select(p => Cache.CreateKey(BenchmarkData.Project, p))];
        }

        public WarmingSignals Signals { get; }

        public IFileCache Cache { get; }

        public FileCacheWarmer? Warmer { get; }

        public ValueTask<CachedFile> MissAsync(int index)
        {
            Cache.Remove(_keys[index]);
            return Cache.ReadAsync(_keys[index]);
        }

        public void Dispose()
        {
            Warmer?.Dispose();
            Cache.Dispose();
        }
    }

    private sealed class FixedSource : IFileSource
    {
        private static readonly FileVersion Version = new(Bytes.Length, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

        public ValueTask<FileVersion?> GetVersionAsync(string path, CancellationToken cancellationToken = default) => new(Version);

        public ValueTask<FileSourceContent> ReadAsync(string path, CancellationToken cancellationToken = default) =>
            new(new FileSourceContent(Bytes, Version, path));
    }
}

/// <summary>
/// Time to warm a 10,000-file project (2 KiB files in 100 directories, in the OS page cache) from its hot-set manifest,
/// on a fresh cache each iteration (made in the iteration set-up, not timed). Baseline: a hand-written loop awaiting
/// <c>ReadAsync</c> for every path of the manifest, one after another. Beside it: the warmer at concurrency 1 and 4
/// (manifest read and parse, version check by a stat, read, insert), and a hand-written loop filling a
/// <see cref="MemoryCache"/> with <see cref="File.ReadAllBytes(string)"/> (what users write today, no version checks).
/// </summary>
[MemoryDiagnoser]
public class WarmFromManifestBenchmarks
{
    private const int Files = 10_000;
    private string _root = null!;
    private string _manifests = null!;
    private string[] _paths = null!;
    private IFileCache _cache = null!;
    private FileCacheWarmer _warmer = null!;
    private MemoryCache _memoryCache = null!;

    [Params(1, 4)]
    public int Concurrency { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _root = Directory.CreateTempSubdirectory("filecache-warm-bench-").FullName;
        _manifests = Directory.CreateTempSubdirectory("filecache-warm-manifests-").FullName;
        var bytes = new byte[2048];
        _paths = new string[Files];
        for (int i = 0; i < Files; i++)
        {
            _paths[i] = $"dir{i % 100:D3}/file{i:D5}.cs";
            Directory.CreateDirectory(Path.Combine(_root, $"dir{i % 100:D3}"));
            File.WriteAllBytes(Path.Combine(_root, _paths[i]), bytes);
        }

        IterationSetup();
        foreach (string path in _paths)
        {
            _cache.ReadAsync(BenchmarkData.Project, path).AsTask().GetAwaiter().GetResult();
        }

        if (_warmer.SaveHotSetAsync().GetAwaiter().GetResult() != 1)
        {
            throw new InvalidOperationException("The manifest was not written.");
        }

        IterationCleanup();
    }

    [IterationSetup]
    public void IterationSetup()
    {
        var options = new FileCacheOptions { MaxBytes = 1L << 30 }.AddProject(BenchmarkData.Project, _root);
        options.Warming.ManifestFolder = _manifests;
        options.Warming.MaxConcurrency = Concurrency;
        var signals = new WarmingSignals(options.Warming, TimeProvider.System);
        options.LoadStages.Add(signals.RunStageAsync);
        _cache = FileCacheFactory.Create(options);
        _warmer = new FileCacheWarmer(_cache, options.Warming, TimeProvider.System, signals);
        _memoryCache = new MemoryCache(new MemoryCacheOptions());
    }

    [IterationCleanup]
    public void IterationCleanup()
    {
        _warmer.Dispose();
        _cache.Dispose();
        _memoryCache.Dispose();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_manifests, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public async Task<long> HandLoop_ReadAsync()
    {
        long bytes = 0;
        foreach (string path in _paths)
        {
            bytes += (await _cache.ReadAsync(BenchmarkData.Project, path).ConfigureAwait(false)).Length;
        }

        return bytes;
    }

    [Benchmark]
    public async Task<long> Warmer_FromManifest()
    {
        var result = await _warmer.WarmAsync().ConfigureAwait(false);
        if (result.Loaded != Files)
        {
            throw new InvalidOperationException($"Warmed {result.Loaded} of {Files}.");
        }

        return result.Bytes;
    }

    [Benchmark]
    public long MemoryCache_HandLoop()
    {
        long bytes = 0;
        foreach (string path in _paths)
        {
            byte[] content = File.ReadAllBytes(Path.Combine(_root, path));
            _memoryCache.Set(path, content);
            bytes += content.Length;
        }

        return bytes;
    }
}
