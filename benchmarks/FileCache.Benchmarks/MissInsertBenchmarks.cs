using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using BitFaster.Caching.Lru;
using Microsoft.Extensions.Caching.Memory;

namespace FileCache.Benchmarks;

/// <summary>
/// A miss followed by an insert into a full cache, so every insert evicts. Each cache holds
/// <see cref="Capacity"/> entries of one unit each (FileCache: <c>Size = 1</c>, and a budget of 10,000 times one unit plus
/// the per-entry overhead that a declared size is also charged;
/// MemoryCache: <c>SizeLimit = 10,000</c> and <c>Size = 1</c>; ConcurrentLru: capacity 10,000). Each operation
/// takes the next key of a ring of <see cref="RingSize"/> keys created in setup (strings and prepared
/// <see cref="FileKey"/>s, so key creation is not measured), looks it up, misses, and inserts it. A key comes round
/// again only after 262,143 other inserts, long after it was evicted, so every lookup should miss. Hits are
/// counted and printed at the end of each run; a lookup that does hit still inserts (replaces), so every row
/// does the same work per operation. Each invocation does <see cref="OpsPerInvoke"/> operations.
/// </summary>
/// <remarks>
/// Baseline: a bounded FIFO made of a <see cref="ConcurrentDictionary{TKey, TValue}"/> (TryGetValue, TryAdd) and a ring
/// of its keys in insertion order (TryRemove of the oldest): the floor cost of a concurrent map insert plus remove,
/// with no policy and no accounting. MemoryCache does not evict inline: an insert past <c>SizeLimit</c> is dropped
/// and a compaction of 5% runs on the thread pool, so some of its inserts do not land (its entry count is printed), and
/// its compaction is approximate: a few keys survive a whole turn of the ring and hit.
/// </remarks>
[MemoryDiagnoser]
public class MissInsertBenchmarks
{
    /// <summary>Entries each cache holds.</summary>
    public const int Capacity = 10_000;

    /// <summary>Keys in the ring (a power of two, over 26 times the capacity).</summary>
    public const int RingSize = 1 << 18;

    /// <summary>Miss-and-insert operations per benchmark invocation.</summary>
    public const int OpsPerInvoke = 1024;

    private static readonly byte[] Value = new byte[16];
    private static readonly FileCacheEntryOptions OneUnit = new() { Size = 1 };
    private static readonly Func<FileKey, CancellationToken, ValueTask<byte[]>> Loader = static (_, _) => new ValueTask<byte[]>(Value);

    private readonly MemoryCacheEntryOptions _memoryOneUnit = new() { Size = 1 };
    private string[] _paths = null!;
    private FileKey[] _keys = null!;
    private int _next;
    private long _hits;

    private ConcurrentDictionary<string, byte[]> _dictionary = null!;
    private string[] _fifo = null!;
    private int _fifoHead;
    private IFileCache _fileCache = null!;
    private MemoryCache _memoryCache = null!;
    private ConcurrentLru<string, byte[]> _lru = null!;

    [GlobalSetup]
    public void Setup()
    {
        // Paths 0 .. RingSize - 1 form the ring; the next Capacity paths fill the caches first and are never looked
        // up. (Pre-filling with ring keys would let a scan-resistant policy keep them: ConcurrentLru's warm segment
        // holds what it was filled with while the ring's keys stream through, so those keys would hit when the
        // ring came round.)
        _paths = BenchmarkData.Paths(RingSize + Capacity);
        // A declared size also counts the entry's overhead: the budget holds exactly Capacity one-unit entries.
        _fileCache = BenchmarkData.CreateFileCache(Capacity * (1 + Storage.DefaultFileCache.EntryOverhead));
        _keys = BenchmarkData.Keys(_fileCache, _paths);
        _dictionary = new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);
        _fifo = new string[Capacity];
        _memoryCache = new MemoryCache(new MemoryCacheOptions { SizeLimit = Capacity });
        _lru = new ConcurrentLru<string, byte[]>(Capacity);

        for (int i = 0; i < Capacity; i++)
        {
            int resident = RingSize + i;
            _dictionary[_paths[resident]] = Value;
            _fifo[i] = _paths[resident];
            _fileCache.Set(_keys[resident], Value, OneUnit);
            _memoryCache.Set(_paths[resident], Value, _memoryOneUnit);
            _lru.AddOrUpdate(_paths[resident], Value);
        }

        _next = 0;
        _fifoHead = 0;
        if (_fileCache.GetStatistics().Total.Entries != Capacity || _memoryCache.Count != Capacity || _lru.Count != Capacity || _dictionary.Count != Capacity)
        {
            throw new InvalidOperationException("A cache was not filled to capacity.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var total = _fileCache.GetStatistics().Total;
        Console.WriteLine(
            $"// after the run: lookups that hit {_hits} (expected 0); FileCache hits {total.Hits}, misses {total.Misses}, entries {total.Entries}, " +
            $"capacity evictions {total.Evictions.Capacity}; MemoryCache entries {_memoryCache.Count}; ConcurrentLru entries {_lru.Count}; " +
            $"dictionary entries {_dictionary.Count}");
        _fileCache.Dispose();
        _memoryCache.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = OpsPerInvoke)]
    public int ConcurrentDictionary_BoundedFifo()
    {
        var cache = _dictionary;
        string[] fifo = _fifo;
        int next = _next;
        int head = _fifoHead;
        for (int n = 0; n < OpsPerInvoke; n++)
        {
            string key = _paths[next++ & (RingSize - 1)];
            if (cache.TryGetValue(key, out _))
            {
                _hits++;
            }

            if (cache.TryAdd(key, Value))
            {
                cache.TryRemove(fifo[head], out _);
                fifo[head] = key;
                head = head + 1 == fifo.Length ? 0 : head + 1;
            }
        }

        _next = next;
        _fifoHead = head;
        return head;
    }

    [Benchmark(OperationsPerInvoke = OpsPerInvoke)]
    public int FileCache_TryGet_Set()
    {
        var cache = _fileCache;
        FileKey[] keys = _keys;
        int next = _next;
        for (int n = 0; n < OpsPerInvoke; n++)
        {
            ref readonly FileKey key = ref keys[next++ & (RingSize - 1)];
            if (cache.TryGet(in key, out byte[]? _))
            {
                _hits++;
            }

            cache.Set(in key, Value, OneUnit);
        }

        _next = next;
        return next;
    }

    /// <summary>The read-through form: a miss runs the (synchronous) loader through the single-flight path, then inserts.</summary>
    [Benchmark(OperationsPerInvoke = OpsPerInvoke)]
    public int FileCache_GetOrAddAsync()
    {
        var cache = _fileCache;
        FileKey[] keys = _keys;
        int next = _next;
        int total = 0;
        for (int n = 0; n < OpsPerInvoke; n++)
        {
            ValueTask<byte[]> pending = cache.GetOrAddAsync(keys[next++ & (RingSize - 1)], Loader, OneUnit);
            total += (pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult()).Length;
        }

        _next = next;
        return total;
    }

    [Benchmark(OperationsPerInvoke = OpsPerInvoke)]
    public int MemoryCache_TryGetValue_Set()
    {
        var cache = _memoryCache;
        var options = _memoryOneUnit;
        int next = _next;
        for (int n = 0; n < OpsPerInvoke; n++)
        {
            string key = _paths[next++ & (RingSize - 1)];
            if (cache.TryGetValue(key, out _))
            {
                _hits++;
            }

            cache.Set(key, Value, options);
        }

        _next = next;
        return next;
    }

    [Benchmark(OperationsPerInvoke = OpsPerInvoke)]
    public int BitFaster_ConcurrentLru_TryGet_AddOrUpdate()
    {
        var cache = _lru;
        int next = _next;
        for (int n = 0; n < OpsPerInvoke; n++)
        {
            string key = _paths[next++ & (RingSize - 1)];
            if (cache.TryGet(key, out _))
            {
                _hits++;
            }

            cache.AddOrUpdate(key, Value);
        }

        _next = next;
        return next;
    }
}
