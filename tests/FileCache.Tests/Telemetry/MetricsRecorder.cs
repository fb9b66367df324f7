using System.Diagnostics.Metrics;

namespace FileCache.Tests.Telemetry;

/// <summary>A meter factory of its own, so a listener sees only the meter of the cache under test (tests run in parallel).</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}

/// <summary>Records every measurement of the meters one factory created.</summary>
internal sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = [];

    public MetricsRecorder(IMeterFactory factory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _listener.Start();
    }

    /// <summary>Collects the observable instruments and returns everything measured so far; observable values are the latest.</summary>
    public List<(string Instrument, double Value, Dictionary<string, object?> Tags)> Collect()
    {
        lock (_measurements)
        {
            _measurements.RemoveAll(m => IsObservable(m.Instrument));
        }

        _listener.RecordObservableInstruments();
        lock (_measurements)
        {
            return [.. _measurements];
        }
    }

    /// <summary>The sum of an instrument's measurements whose tags include every given tag.</summary>
    public double Sum(string instrument, params (string Key, object? Value)[] tags) =>
        Collect().Where(m => m.Instrument == instrument && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && Equals(v, t.Value))).Sum(m => m.Value);

    public int Count(string instrument, params (string Key, object? Value)[] tags) =>
        Collect().Count(m => m.Instrument == instrument && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && Equals(v, t.Value)));

    public void Dispose() => _listener.Dispose();

    private static bool IsObservable(string name) => name is FileCache.Telemetry.FileCacheTelemetry.Requests
        or FileCache.Telemetry.FileCacheTelemetry.Loads or FileCache.Telemetry.FileCacheTelemetry.LoadFailures
        or FileCache.Telemetry.FileCacheTelemetry.Evictions or FileCache.Telemetry.FileCacheTelemetry.Rejections
        or FileCache.Telemetry.FileCacheTelemetry.Entries or FileCache.Telemetry.FileCacheTelemetry.Bytes
        or FileCache.Telemetry.FileCacheTelemetry.Budget or FileCache.Telemetry.FileCacheTelemetry.Writes
        or FileCache.Telemetry.FileCacheTelemetry.WriteFlushes or FileCache.Telemetry.FileCacheTelemetry.WriteFailures
        or FileCache.Telemetry.FileCacheTelemetry.WritesPending or FileCache.Telemetry.FileCacheTelemetry.WritePendingBytes
        or FileCache.Telemetry.FileCacheTelemetry.WriteBackPressure;

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var dictionary = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            dictionary[tag.Key] = tag.Value;
        }

        lock (_measurements)
        {
            _measurements.Add((instrument.Name, value, dictionary));
        }
    }
}
