using System.Diagnostics.Metrics;

namespace FileCache.Telemetry;

/// <summary>
/// The meter of one package (the core, the peer layer, the Redis layer) and the shape their instruments share. The meter
/// comes from the <see cref="IMeterFactory"/> when one is given (and is then the factory's to dispose), otherwise it is
/// created here and disposed here. Counters and histograms are created with their descriptions once; what is recorded
/// per event goes through <see cref="InstrumentExtensions"/>, which does nothing (not even box a tag) when nobody listens.
/// Internal: the other packages reach it through <c>InternalsVisibleTo</c>.
/// </summary>
internal sealed class FeatureMeter : IDisposable
{
    private readonly bool _ownsMeter;

    /// <summary>Creates the meter <paramref name="name"/> from <paramref name="factory"/>, or a meter of its own when there is none.</summary>
    public FeatureMeter(IMeterFactory? factory, string name, string? version = null, IEnumerable<KeyValuePair<string, object?>>? tags = null)
    {
        if (factory is not null)
        {
            Meter = factory.Create(new MeterOptions(name) { Version = version, Tags = tags });
        }
        else
        {
            Meter = new Meter(name, version, tags);
            _ownsMeter = true;
        }
    }

    /// <summary>Gets the meter (observable instruments are created on it directly).</summary>
    public Meter Meter { get; }

    /// <summary>Creates a counter of events.</summary>
    public Counter<long> Counter(string name, string description, string? unit = null) =>
        Meter.CreateCounter<long>(name, unit, description);

    /// <summary>Creates a histogram of durations in seconds with explicit bucket boundaries (an exporter's defaults are meant for milliseconds).</summary>
    public Histogram<double> Seconds(string name, string description, IReadOnlyList<double> buckets) =>
        Meter.CreateHistogram<double>(name, "s", description, tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = buckets });

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }
}

/// <summary>Records on an instrument only when someone listens, so an unheard event costs a flag read (no tag is built or boxed).</summary>
internal static class InstrumentExtensions
{
    /// <summary>Adds <paramref name="delta"/> with one tag, when someone listens.</summary>
    public static void AddIfListened<TValue>(this Counter<long> counter, string tag, TValue value, long delta = 1)
    {
        if (counter.Enabled)
        {
            counter.Add(delta, new KeyValuePair<string, object?>(tag, value));
        }
    }

    /// <summary>Records <paramref name="elapsed"/> in seconds with one tag, when someone listens.</summary>
    public static void RecordIfListened(this Histogram<double> histogram, TimeSpan elapsed, string tag, string value)
    {
        if (histogram.Enabled)
        {
            histogram.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(tag, value));
        }
    }

    /// <summary>Counts an event in an always-kept total (for the statistics) and on the counter, when someone listens.</summary>
    public static void Count(this Counter<long> counter, ref long total)
    {
        Interlocked.Increment(ref total);
        if (counter.Enabled)
        {
            counter.Add(1);
        }
    }

    /// <summary>Counts an event in an always-kept total and on the counter with one tag, when someone listens.</summary>
    public static void Count(this Counter<long> counter, ref long total, string tag, string value)
    {
        Interlocked.Increment(ref total);
        counter.AddIfListened(tag, value);
    }
}
