using BenchmarkDotNet.Attributes;
using BitFaster.Caching.Lfu;
using BitFaster.Caching.Lru;
using BitFaster.Caching.Scheduler;
using Microsoft.Extensions.Caching.Memory;

namespace FileCache.Benchmarks;

/// <summary>
/// Single-threaded trace replay, as the hit-rate simulator does it, timed: each request is a lookup and, on a miss, an
/// insert. The trace is <c>OLTP</c> from the shared traces (found by walking up from the working and binary folders
/// to a <c>shared/traces</c> folder; a Zipf(0.9) trace of the same length over 50,000 keys, fixed seed, otherwise).
/// One invocation replays the whole trace into a new cache of <see cref="Capacity"/> entries; the time shown is per
/// request. Keys are dense ids mapped to prepared keys in setup (FileCache: <c>FileKey</c>s; the others: ints).
/// FileCache holds <c>byte[]</c> values declared as one unit each (<c>Size = 1</c>, the budget set so that exactly
/// <see cref="Capacity"/> fit). ConcurrentLfu uses the <c>ForegroundScheduler</c> (maintenance on the calling thread,
/// as FileCache evicts inline), which is also how the simulator replays it.
/// </summary>
[MemoryDiagnoser]
public class ReplayBenchmarks
{
    /// <summary>Entries each cache holds.</summary>
    public const int Capacity = 1000;

    private static readonly byte[] Value = [];
    private static readonly FileCacheEntryOptions OneUnit = new() { Size = 1 };

    private int[] _ids = null!;
    private string[] _names = null!;
    private FileKey[] _keys = null!;
    private IFileCache _template = null!;
    private long _hits;

    /// <summary>The trace's name (for the report).</summary>
    public static string TraceName { get; private set; } = "?";

    [GlobalSetup]
    public void Setup()
    {
        _ids = LoadTrace(out int unique);
        _names = Enumerable.Range(0, unique).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        _template = NewFileCache(EvictionPolicy.TinyLfu);
        _keys = _names.Select(n => _template.CreateKey(BenchmarkData.Project, n)).ToArray();
        Console.WriteLine($"// trace {TraceName}: {_ids.Length:N0} requests over {unique:N0} keys, capacity {Capacity}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// hits over all invocations: {_hits:N0}");
        _template.Dispose();
    }

    /// <summary>A cache whose budget holds exactly <see cref="Capacity"/> one-unit entries (a declared size also counts the entry's overhead).</summary>
    private static IFileCache NewFileCache(EvictionPolicy policy) =>
        FileCacheFactory.Create(new FileCacheOptions
        {
            MaxBytes = Capacity * (OneUnit.Size!.Value + Storage.DefaultFileCache.EntryOverhead),
            EvictionPolicy = policy,
            Memory = { AdaptToPressure = false },
        }.AddProject(BenchmarkData.Project, rootPath: null));

    [Benchmark(Baseline = true)]
    public long BitFaster_ConcurrentLfu()
    {
        var cache = new ConcurrentLfu<int, byte[]>(1, Capacity, new ForegroundScheduler(), EqualityComparer<int>.Default);
        long hits = 0;
        foreach (int id in _ids)
        {
            if (cache.TryGet(id, out _))
            {
                hits++;
            }
            else
            {
                cache.AddOrUpdate(id, Value);
            }
        }

        _hits += hits;
        return hits;
    }

    [Benchmark]
    public long FileCache_TinyLfu() => Replay(EvictionPolicy.TinyLfu);

    [Benchmark]
    public long FileCache_Clock() => Replay(EvictionPolicy.Clock);

    [Benchmark]
    public long BitFaster_ConcurrentLru()
    {
        var cache = new ConcurrentLru<int, byte[]>(Capacity);
        long hits = 0;
        foreach (int id in _ids)
        {
            if (cache.TryGet(id, out _))
            {
                hits++;
            }
            else
            {
                cache.AddOrUpdate(id, Value);
            }
        }

        _hits += hits;
        return hits;
    }

    [Benchmark]
    public long MemoryCache()
    {
        using var cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = Capacity });
        var options = new MemoryCacheEntryOptions { Size = 1 };
        long hits = 0;
        foreach (int id in _ids)
        {
            if (cache.TryGetValue(id, out _))
            {
                hits++;
            }
            else
            {
                cache.Set(id, Value, options);
            }
        }

        _hits += hits;
        return hits;
    }

    private long Replay(EvictionPolicy policy)
    {
        using var cache = NewFileCache(policy);
        FileKey[] keys = _keys;
        long hits = 0;
        foreach (int id in _ids)
        {
            ref readonly var key = ref keys[id];
            if (cache.TryGet(in key, out byte[]? _))
            {
                hits++;
            }
            else
            {
                cache.Set(in key, Value, OneUnit);
            }
        }

        _hits += hits;
        return hits;
    }

    private static int[] LoadTrace(out int unique)
    {
        string? path = FindTrace("OLTP.txt");
        var ids = new List<int>();
        var dense = new Dictionary<ulong, int>();
        if (path is not null)
        {
            TraceName = "OLTP";
            foreach (string line in File.ReadLines(path))
            {
                if (ulong.TryParse(line.AsSpan().Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong key))
                {
                    ids.Add(Dense(dense, key));
                }
            }
        }
        else
        {
            TraceName = "zipf-0.9";
            var random = new Random(42);
            const int Keys = 50_000;
            double[] cumulative = new double[Keys];
            double sum = 0;
            for (int k = 0; k < Keys; k++)
            {
                sum += 1.0 / Math.Pow(k + 1, 0.9);
                cumulative[k] = sum;
            }

            for (int i = 0; i < 1_000_000; i++)
            {
                int k = Array.BinarySearch(cumulative, random.NextDouble() * sum);
                ids.Add(Dense(dense, (ulong)(k < 0 ? ~k : k)));
            }
        }

        unique = dense.Count;
        return ids.ToArray();
    }

    private static int Dense(Dictionary<ulong, int> dense, ulong key)
    {
        if (!dense.TryGetValue(key, out int id))
        {
            id = dense.Count;
            dense[key] = id;
        }

        return id;
    }

    private static string? FindTrace(string file)
    {
        foreach (string? start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "shared", "traces", file);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
