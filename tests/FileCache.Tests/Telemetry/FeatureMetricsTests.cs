using FileCache.Eviction;
using FileCache.Storage;
using FileCache.Tests.Eviction;
using Microsoft.Extensions.Time.Testing;
using T = FileCache.Telemetry.FileCacheTelemetry;

namespace FileCache.Tests.Telemetry;

/// <summary>Compression and memory alerts, done by the cache itself (not through the hooks), reach the meter.</summary>
public class FeatureMetricsTests
{
    [Fact]
    public async Task ReadAsync_CompressibleAndIncompressibleFiles_CountsOnlyTheCompressedOne()
    {
        using var dir = new TestDirectory();
        dir.Write("a.xml", string.Concat(Enumerable.Repeat("<Item Include=\"src/a.cs\" />\n", 400)));
        var noise = new byte[8192];
        new Random(7).NextBytes(noise);
        File.WriteAllBytes(Path.Combine(dir.Root, "b.bin"), noise);

        using var meters = new TestMeterFactory();
        using var recorder = new MetricsRecorder(meters);
        var options = new FileCacheOptions { Compression = { ThresholdBytes = 1024 }, Memory = { AdaptToPressure = false } }.AddProject("p", dir.Root);
        using var cache = FileCacheFactory.Create(options, new FakeTimeProvider(), meters);

        var xml = await cache.ReadAsync("p", "a.xml");
        await cache.ReadAsync("p", "b.bin");

        Assert.Equal(1, recorder.Sum(T.Compressions));
        long saved = (long)recorder.Sum(T.CompressionSavedBytes);
        Assert.InRange(saved, xml.Length / 2, xml.Length - 1);
    }

    [Fact]
    public void MemoryCheck_CrossingThresholds_CountsEachAlertWithItsThreshold()
    {
        var time = new FakeTimeProvider();
        var memory = new FakeMemory();
        using var meters = new TestMeterFactory();
        using var recorder = new MetricsRecorder(meters);
        var options = new FileCacheOptions { MaxBytes = 1000, Memory = { CheckInterval = TimeSpan.FromSeconds(1) } }.AddProject("p", null);
        using var cache = new DefaultFileCache(options, time, memory, meters);

        memory.Ratio = 0.95;
        time.Advance(TimeSpan.FromSeconds(1));
        memory.Ratio = 1.2;
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(2, recorder.Sum(T.MemoryAlerts));
        Assert.Equal(1, recorder.Sum(T.MemoryAlerts, ("threshold", 0.9)));
        Assert.Equal(1, recorder.Sum(T.MemoryAlerts, ("threshold", 1.0)));
    }
}
