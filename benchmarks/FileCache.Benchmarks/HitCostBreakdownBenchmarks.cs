using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;

namespace FileCache.Benchmarks;

/// <summary>
/// Diagnostic, not a comparison: takes the FileCache hit path apart into the pieces it is made of, rebuilt here
/// with public types, to show where a hit's time goes beyond a plain <c>ConcurrentDictionary&lt;string, byte[]&gt;</c>
/// lookup. Same key set and scheme as <see cref="HitBenchmarks"/> (1,024 keys of 48 characters, each invocation
/// reads every key once). The rows:
/// <list type="bullet">
/// <item>a <c>ConcurrentDictionary&lt;FileKey, byte[]&gt;</c> lookup with prepared keys (the cost of the struct key);</item>
/// <item>the same plus a hit counter as FileCache keeps it (an Interlocked increment of a cache-line-padded cell
/// picked by <see cref="Thread.GetCurrentProcessorId"/>), and plus a plain increment of that cell instead;</item>
/// <item>the cost of calling a generic method through an interface (a generic virtual method, resolved by a runtime
/// helper on every call, with the <c>is T</c> check done in shared generic code) against a non-generic interface
/// method returning <c>object</c> with the type check at the call site, both over the same
/// <c>ConcurrentDictionary&lt;FileKey, object&gt;</c>;</item>
/// <item>the real <c>IFileCache.TryGet</c> with a prepared key;</item>
/// <item>what <c>TryGet(project, path)</c> adds per call: <c>IFileCache.CreateKey</c> (validate, normalize, hash)
/// and, inside it, the randomized (Marvin) hash of the 48-character path.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
public class HitCostBreakdownBenchmarks
{
    private const int KeyCount = HitBenchmarks.KeyCount;

    private static readonly int CellMask = (int)Math.Min(64, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount)) - 1;

    private string[] _paths = null!;
    private FileKey[] _keys = null!;
    private ConcurrentDictionary<string, byte[]> _byString = null!;
    private ConcurrentDictionary<FileKey, byte[]> _byFileKey = null!;
    private IFileCache _fileCache = null!;
    private Cell[] _cells = null!;
    private IValueLookup _lookup = null!;

    [GlobalSetup]
    public void Setup()
    {
        _paths = BenchmarkData.Paths(KeyCount);
        byte[][] values = BenchmarkData.Values(KeyCount, HitBenchmarks.ValueBytes);
        _fileCache = BenchmarkData.CreateFileCache(FileCacheOptions.DefaultMaxBytes);
        _keys = BenchmarkData.Keys(_fileCache, _paths);
        _byString = new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);
        _byFileKey = new ConcurrentDictionary<FileKey, byte[]>();
        _cells = new Cell[CellMask + 1];
        var lookup = new ValueLookup();
        _lookup = lookup;
        for (int i = 0; i < KeyCount; i++)
        {
            _byString[_paths[i]] = values[i];
            _byFileKey[_keys[i]] = values[i];
            lookup.Map[_keys[i]] = values[i];
            _fileCache.Set(_keys[i], values[i]);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _fileCache.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = KeyCount)]
    public long StringDictionary_TryGetValue()
    {
        var map = _byString;
        string[] paths = _paths;
        long total = 0;
        for (int i = 0; i < paths.Length; i++)
        {
            if (map.TryGetValue(paths[i], out byte[]? value))
            {
                total += value.Length;
            }
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long FileKeyDictionary_TryGetValue()
    {
        var map = _byFileKey;
        FileKey[] keys = _keys;
        long total = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            if (map.TryGetValue(keys[i], out byte[]? value))
            {
                total += value.Length;
            }
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long FileKeyDictionary_TryGetValue_InterlockedStripedCount()
    {
        var map = _byFileKey;
        FileKey[] keys = _keys;
        Cell[] cells = _cells;
        long total = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            if (map.TryGetValue(keys[i], out byte[]? value))
            {
                Interlocked.Increment(ref cells[Thread.GetCurrentProcessorId() & CellMask].Value);
                total += value.Length;
            }
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long FileKeyDictionary_TryGetValue_PlainStripedCount()
    {
        var map = _byFileKey;
        FileKey[] keys = _keys;
        Cell[] cells = _cells;
        long total = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            if (map.TryGetValue(keys[i], out byte[]? value))
            {
                cells[Thread.GetCurrentProcessorId() & CellMask].Value++;
                total += value.Length;
            }
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long Interface_GenericVirtualTryGet()
    {
        var lookup = _lookup;
        FileKey[] keys = _keys;
        long total = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            if (lookup.TryGet<byte[]>(in keys[i], out var value))
            {
                total += value.Length;
            }
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long Interface_NonGenericTryGet_CallerTypeCheck()
    {
        var lookup = _lookup;
        FileKey[] keys = _keys;
        long total = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            if (lookup.TryGetObject(in keys[i], out object? found) && found is byte[] value)
            {
                total += value.Length;
            }
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long FileCache_TryGet_PreparedKey()
    {
        var cache = _fileCache;
        FileKey[] keys = _keys;
        long total = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            if (cache.TryGet<byte[]>(in keys[i], out var value))
            {
                total += value.Length;
            }
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long FileCache_CreateKey()
    {
        var cache = _fileCache;
        string[] paths = _paths;
        long total = 0;
        for (int i = 0; i < paths.Length; i++)
        {
            total += cache.CreateKey(BenchmarkData.Project, paths[i]).GetHashCode();
        }

        return total;
    }

    /// <summary>FileCache's own seeded key hash of the same path (what a key computes once).</summary>
    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long KeyHash_Of()
    {
        string[] paths = _paths;
        long total = 0;
        for (int i = 0; i < paths.Length; i++)
        {
            total += Keys.KeyHash.Of(paths[i]);
        }

        return total;
    }

    /// <summary>The canonical-path check that <c>TryGet(project, path)</c> runs on an already-normal path.</summary>
    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long PathNormalizer_Normalize()
    {
        string[] paths = _paths;
        long total = 0;
        for (int i = 0; i < paths.Length; i++)
        {
            total += Keys.PathNormalizer.Normalize(paths[i], null, false, "path").Length;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long String_GetHashCode_Randomized()
    {
        string[] paths = _paths;
        long total = 0;
        for (int i = 0; i < paths.Length; i++)
        {
            total += paths[i].GetHashCode(StringComparison.Ordinal);
        }

        return total;
    }

    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Cell
    {
        [FieldOffset(64)]
        public long Value;
    }

    /// <summary>A lookup with both call shapes, to time the interface dispatch alone.</summary>
    private interface IValueLookup
    {
        bool TryGet<T>(in FileKey key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T value);

        bool TryGetObject(in FileKey key, out object? value);
    }

    private sealed class ValueLookup : IValueLookup
    {
        public ConcurrentDictionary<FileKey, object> Map { get; } = new();

        public bool TryGet<T>(in FileKey key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T value)
        {
            if (Map.TryGetValue(key, out object? found) && found is T typed)
            {
                value = typed;
                return true;
            }

            value = default;
            return false;
        }

        public bool TryGetObject(in FileKey key, out object? value) => Map.TryGetValue(key, out value);
    }
}
