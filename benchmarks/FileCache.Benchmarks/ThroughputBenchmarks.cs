using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BitFaster.Caching.Lru;
using Microsoft.Extensions.Caching.Memory;

namespace FileCache.Benchmarks;

/// <summary>
/// Concurrent hits: <c>N = Environment.ProcessorCount</c> threads read the same <see cref="KeyCount"/> keys at once.
/// One invocation is <see cref="TotalHits"/> hits split evenly over the N threads (each starts at a different
/// point of the key set and walks it in order); the reported time is per hit, so a cache that scales perfectly
/// shows the single-threaded time divided by N. The threads are created once in setup and released together
/// by a <see cref="Barrier"/> (the benchmark's own thread is one of the N).
/// </summary>
[MemoryDiagnoser]
public class ThroughputBenchmarks
{
    /// <summary>Keys in the set (a power of two).</summary>
    public const int KeyCount = 1024;

    /// <summary>Hits per invocation over all threads: 720,720 is divisible by every thread count from 1 to 16.</summary>
    public const int TotalHits = 720_720;

    private enum Target
    {
        ConcurrentDictionary,
        FileCache,
        MemoryCache,
        ConcurrentLru,
    }

    private readonly int _threadCount = Environment.ProcessorCount;
    private string[] _paths = null!;
    private FileKey[] _keys = null!;
    private ConcurrentDictionary<string, byte[]> _dictionary = null!;
    private IFileCache _fileCache = null!;
    private MemoryCache _memoryCache = null!;
    private ConcurrentLru<string, byte[]> _lru = null!;

    private Barrier _barrier = null!;
    private Thread[] _workers = null!;
    private PaddedSlot[] _results = null!;
    private volatile bool _stopping;
    private Target _target;

    [GlobalSetup]
    public void Setup()
    {
        _paths = BenchmarkData.Paths(KeyCount);
        byte[][] values = BenchmarkData.Values(KeyCount, HitBenchmarks.ValueBytes);
        _dictionary = new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);
        _fileCache = BenchmarkData.CreateFileCache(FileCacheOptions.DefaultMaxBytes);
        _keys = BenchmarkData.Keys(_fileCache, _paths);
        _memoryCache = new MemoryCache(new MemoryCacheOptions());
        _lru = new ConcurrentLru<string, byte[]>(KeyCount * 2);
        for (int i = 0; i < KeyCount; i++)
        {
            _dictionary[_paths[i]] = values[i];
            _fileCache.Set(_keys[i], values[i]);
            _memoryCache.Set(_paths[i], values[i]);
            _lru.AddOrUpdate(_paths[i], values[i]);
        }

        _results = new PaddedSlot[_threadCount];
        _barrier = new Barrier(_threadCount);
        _workers = new Thread[_threadCount - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            int id = i + 1;
            _workers[i] = new Thread(() => WorkerLoop(id)) { IsBackground = true, Name = $"hit-worker-{id}" };
            _workers[i].Start();
        }

        // Every thread must see only hits: each hit adds its value's length.
        foreach (Target target in Enum.GetValues<Target>())
        {
            long total = Run(target);
            if (total != (long)TotalHits * HitBenchmarks.ValueBytes)
            {
                throw new InvalidOperationException($"{target}: not every lookup hit ({total} bytes read).");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stopping = true;
        _barrier.SignalAndWait();
        foreach (var worker in _workers)
        {
            worker.Join();
        }

        _barrier.Dispose();
        _fileCache.Dispose();
        _memoryCache.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = TotalHits)]
    public long ConcurrentDictionary_TryGetValue() => Run(Target.ConcurrentDictionary);

    [Benchmark(OperationsPerInvoke = TotalHits)]
    public long FileCache_TryGet_PreparedKey() => Run(Target.FileCache);

    [Benchmark(OperationsPerInvoke = TotalHits)]
    public long MemoryCache_TryGetValue() => Run(Target.MemoryCache);

    [Benchmark(OperationsPerInvoke = TotalHits)]
    public long BitFaster_ConcurrentLru_TryGet() => Run(Target.ConcurrentLru);

    /// <summary>Releases every thread on <paramref name="target"/>, does this thread's share, waits for the rest.</summary>
    private long Run(Target target)
    {
        _target = target;
        _barrier.SignalAndWait(); // start (the barrier publishes _target to the workers)
        Work(0);
        _barrier.SignalAndWait(); // all done
        long total = 0;
        for (int i = 0; i < _results.Length; i++)
        {
            total += _results[i].Value;
        }

        return total;
    }

    private void WorkerLoop(int id)
    {
        while (true)
        {
            _barrier.SignalAndWait();
            if (_stopping)
            {
                return;
            }

            Work(id);
            _barrier.SignalAndWait();
        }
    }

    private void Work(int id)
    {
        int hits = TotalHits / _threadCount + (id == _threadCount - 1 ? TotalHits % _threadCount : 0);
        int start = id * (KeyCount / _threadCount);
        long total = 0;
        switch (_target)
        {
            case Target.ConcurrentDictionary:
            {
                var cache = _dictionary;
                string[] paths = _paths;
                for (int i = 0; i < hits; i++)
                {
                    if (cache.TryGetValue(paths[(start + i) & (KeyCount - 1)], out byte[]? value))
                    {
                        total += value.Length;
                    }
                }

                break;
            }

            case Target.FileCache:
            {
                var cache = _fileCache;
                FileKey[] keys = _keys;
                for (int i = 0; i < hits; i++)
                {
                    if (cache.TryGet<byte[]>(in keys[(start + i) & (KeyCount - 1)], out var value))
                    {
                        total += value.Length;
                    }
                }

                break;
            }

            case Target.MemoryCache:
            {
                var cache = _memoryCache;
                string[] paths = _paths;
                for (int i = 0; i < hits; i++)
                {
                    if (cache.TryGetValue(paths[(start + i) & (KeyCount - 1)], out byte[]? value))
                    {
                        total += value!.Length;
                    }
                }

                break;
            }

            case Target.ConcurrentLru:
            {
                var cache = _lru;
                string[] paths = _paths;
                for (int i = 0; i < hits; i++)
                {
                    if (cache.TryGet(paths[(start + i) & (KeyCount - 1)], out byte[]? value))
                    {
                        total += value.Length;
                    }
                }

                break;
            }
        }

        _results[id].Value = total;
    }

    /// <summary>A result slot alone on its cache line, so threads do not share a line when they write their totals.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct PaddedSlot
    {
        [FieldOffset(64)]
        public long Value;
    }
}
