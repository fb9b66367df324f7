using System.Diagnostics.Metrics;
using FileCache.Telemetry;

namespace FileCache.Tests.Telemetry;

/// <summary>The meter helper the core, the peer layer and the Redis layer share: who disposes the meter, and recording only when listened to.</summary>
public sealed class FeatureMeterTests
{
    [Fact]
    public void Dispose_OwnMeter_IsDisposed()
    {
        var feature = new FeatureMeter(null, "test.feature.own." + Guid.NewGuid().ToString("N"));
        var counter = feature.Counter("events", "Events.");
        using var listener = Listen(feature.Meter, out var completed);
        Assert.True(counter.Enabled);

        feature.Dispose();

        Assert.Equal(["events"], completed);
        Assert.False(counter.Enabled);
    }

    [Fact]
    public void Dispose_MeterFromAFactory_LeftToTheFactory()
    {
        using var factory = new TestMeterFactory();
        var feature = new FeatureMeter(factory, "test.feature.factory", "1.2.3", [new("cache", "a")]);
        var counter = feature.Counter("events", "Events.", "{event}");
        using var listener = Listen(feature.Meter, out var completed);

        feature.Dispose();

        Assert.Empty(completed);
        Assert.True(counter.Enabled); // another user of the factory's meter still records
        Assert.Same(factory, feature.Meter.Scope);
        Assert.Equal("1.2.3", feature.Meter.Version);
        Assert.Equal([new KeyValuePair<string, object?>("cache", "a")], feature.Meter.Tags);
        Assert.Equal("{event}", counter.Unit);
        Assert.Equal("Events.", counter.Description);

        factory.Dispose();
        Assert.Equal(["events"], completed);
    }

    [Fact]
    public void Seconds_HistogramInSeconds_WithTheGivenBuckets()
    {
        using var feature = new FeatureMeter(null, "test.feature.seconds." + Guid.NewGuid().ToString("N"));

        var histogram = feature.Seconds("duration", "Durations.", [0.001, 0.01, 0.1]);

        Assert.Equal("s", histogram.Unit);
        Assert.Equal("Durations.", histogram.Description);
        Assert.Equal([0.001, 0.01, 0.1], histogram.Advice!.HistogramBucketBoundaries!);
    }

    [Fact]
    public void CountAndRecord_TotalsAlwaysKept_InstrumentsRecordOnlyWhenListened()
    {
        using var factory = new TestMeterFactory();
        using var feature = new FeatureMeter(factory, "test.feature.record");
        var plain = feature.Counter("plain", "Plain.");
        var tagged = feature.Counter("tagged", "Tagged.");
        var histogram = feature.Seconds("duration", "Durations.", [1]);
        long plainTotal = 0, taggedTotal = 0;

        plain.Count(ref plainTotal);
        tagged.Count(ref taggedTotal, "result", "hit");
        tagged.AddIfListened("status", 200);
        histogram.RecordIfListened(TimeSpan.FromMilliseconds(5), "result", "ok");
        Assert.Equal(1, plainTotal);
        Assert.Equal(1, taggedTotal);

        using var recorder = new MetricsRecorder(factory);
        plain.Count(ref plainTotal);
        tagged.Count(ref taggedTotal, "result", "hit");
        tagged.AddIfListened("status", 200, delta: 3);
        histogram.RecordIfListened(TimeSpan.FromMilliseconds(5), "result", "ok");

        Assert.Equal(2, plainTotal);
        Assert.Equal(2, taggedTotal);
        Assert.Equal(1, recorder.Count("plain"));
        Assert.Equal(1, recorder.Sum("tagged", ("result", "hit")));
        Assert.Equal(3, recorder.Sum("tagged", ("status", 200)));
        Assert.Equal(0.005, recorder.Sum("duration", ("result", "ok")), 9);
    }

    /// <summary>Listens to every instrument of <paramref name="meter"/>; <paramref name="completed"/> gets the name of each whose measurements ended (its meter disposed).</summary>
    private static MeterListener Listen(Meter meter, out List<string> completed)
    {
        var ended = new List<string>();
        completed = ended;
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
            MeasurementsCompleted = (instrument, _) => ended.Add(instrument.Name),
        };
        listener.Start();
        return listener;
    }
}
