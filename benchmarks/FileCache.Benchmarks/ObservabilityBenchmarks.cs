using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;

namespace FileCache.Benchmarks;

/// <summary>
/// What statistics cost a hit. The same single-threaded read of 1,024 prepared keys as <see cref="HitBenchmarks"/>
/// (16 KiB <c>byte[]</c> values, <c>OperationsPerInvoke = KeyCount</c>), against three caches: statistics off
/// (<c>Statistics.Enabled = false</c>), on (the defaults: one hit in 64 sampled for hot keys, one in 1,024 timed,
/// a history snapshot every 10 s), and on with a <see cref="MeterListener"/> subscribed to every instrument of
/// that cache's meter (the sampled hit-duration histogram is then recorded too).
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class ObservabilityBenchmarks
{
    public const int KeyCount = 1024;
    public const int ValueBytes = 16 * 1024;

    private string[] _paths = null!;
    private ConcurrentDictionary<string, byte[]> _dictionary = null!;
    private IFileCache _off = null!;
    private IFileCache _on = null!;
    private IFileCache _listened = null!;
    private FileKey[] _offKeys = null!;
    private FileKey[] _onKeys = null!;
    private FileKey[] _listenedKeys = null!;
    private ScopedMeterFactory _meters = null!;
    private MeterListener _listener = null!;
    private long _measurements;

    [GlobalSetup]
    public void Setup()
    {
        _paths = BenchmarkData.Paths(KeyCount);
        byte[][] values = BenchmarkData.Values(KeyCount, ValueBytes);
        _dictionary = new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);
        _meters = new ScopedMeterFactory();
        _off = Create(enabled: false, meters: null);
        _on = Create(enabled: true, meters: null);
        _listened = Create(enabled: true, meters: _meters);
        _offKeys = BenchmarkData.Keys(_off, _paths);
        _onKeys = BenchmarkData.Keys(_on, _paths);
        _listenedKeys = BenchmarkData.Keys(_listened, _paths);
        for (int i = 0; i < KeyCount; i++)
        {
            _dictionary[_paths[i]] = values[i];
            if (!_off.Set(_offKeys[i], values[i]) || !_on.Set(_onKeys[i], values[i]) || !_listened.Set(_listenedKeys[i], values[i]))
            {
                throw new InvalidOperationException("FileCache refused a value.");
            }
        }

        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, _meters))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _measurements));
        _listener.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref _measurements));
        _listener.Start();

        long expected = (long)KeyCount * ValueBytes;
        foreach (var (name, total) in new (string, long)[]
        {
            (nameof(ConcurrentDictionary_TryGetValue), ConcurrentDictionary_TryGetValue()),
            (nameof(FileCache_StatisticsOff), FileCache_StatisticsOff()),
            (nameof(FileCache_StatisticsOn), FileCache_StatisticsOn()),
            (nameof(FileCache_StatisticsOn_MeterListener), FileCache_StatisticsOn_MeterListener()),
        })
        {
            if (total != expected)
            {
                throw new InvalidOperationException($"{name} read {total} bytes, expected {expected}: not every lookup hit.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _listener.RecordObservableInstruments();
        Console.WriteLine($"// MeterListener measurements seen: {Interlocked.Read(ref _measurements)}");
        _listener.Dispose();
        _off.Dispose();
        _on.Dispose();
        _listened.Dispose();
        _meters.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = KeyCount)]
    public long ConcurrentDictionary_TryGetValue()
    {
        var cache = _dictionary;
        string[] paths = _paths;
        long total = 0;
        for (int i = 0; i < paths.Length; i++)
        {
            if (cache.TryGetValue(paths[i], out byte[]? value))
            {
                total += value.Length;
            }
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long FileCache_StatisticsOff() => Read(_off, _offKeys);

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long FileCache_StatisticsOn() => Read(_on, _onKeys);

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long FileCache_StatisticsOn_MeterListener() => Read(_listened, _listenedKeys);

    private static long Read(IFileCache cache, FileKey[] keys)
    {
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

    private static IFileCache Create(bool enabled, IMeterFactory? meters)
    {
        var options = new FileCacheOptions { MaxBytes = FileCacheOptions.DefaultMaxBytes }.AddProject(BenchmarkData.Project, rootPath: null);
        options.Statistics.Enabled = enabled;
        return FileCacheFactory.Create(options, TimeProvider.System, meters);
    }

    /// <summary>Gives the listened cache a meter of its own, so the listener enables only that cache's instruments.</summary>
    private sealed class ScopedMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _created = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            _created.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (var meter in _created)
            {
                meter.Dispose();
            }
        }
    }
}
