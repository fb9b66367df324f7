using System.Diagnostics.Metrics;
using System.Text;
using FileCache.Storage;
using FileCache.Telemetry;
using Xunit.Abstractions;

namespace FileCache.Tests.Storage;

/// <summary>The byte budget bounds memory: whatever size an entry declares, at every instant anyone can observe.</summary>
public class BudgetTests
{
    [Fact]
    public void Set_DeclaredSizeZero_EntriesStillCountTheirOverheadAndStayUnderTheBudget()
    {
        const long Budget = 1 << 20;
        using var cache = CacheFixture.Create(Budget, configure: o => o.ChargeOverheadOnDeclaredSize = true);
        var zero = new FileCacheEntryOptions { Size = 0 };
        for (int i = 0; i < 200_000; i++)
        {
            cache.Set(cache.CreateKey("p", $"k{i}"), "v", zero);
        }

        var total = cache.GetStatistics().Total;
        Assert.InRange(total.Bytes, 1, Budget);
        Assert.InRange(total.Entries, 1, Budget / DefaultFileCache.EntryOverhead);
        Assert.Equal(total.Entries * DefaultFileCache.EntryOverhead, total.Bytes);
        CacheFixture.AssertConsistent(cache);
    }

    [Fact]
    public void Set_HugeDeclaredSize_IsRefusedNotWrappedAround()
    {
        using var cache = CacheFixture.Create(1 << 20, configure: o => o.ChargeOverheadOnDeclaredSize = true);

        Assert.False(cache.Set(cache.CreateKey("p", "huge"), "v", new FileCacheEntryOptions { Size = long.MaxValue }));
        Assert.Equal(0, cache.GetStatistics().Total.Bytes);
        Assert.Equal(1, cache.GetStatistics().Total.Rejected);
    }

    [Theory]
    [InlineData(EvictionPolicy.TinyLfu)]
    [InlineData(EvictionPolicy.Clock)]
    public void HeldBytes_UnderConcurrentWriters_NeverReadAboveTheBudget(EvictionPolicy policy)
    {
        const long Budget = 256 * 1024;
        // A name of its own: the listener must see this cache's gauge only, not those of caches other tests hold meanwhile.
        string name = $"budget-{policy}-{Guid.NewGuid():N}";
        using var cache = CacheFixture.Create(Budget, configure: o => { o.EvictionPolicy = policy; o.Name = name; }, projects: ["a", "b"]);
        long gaugeMax = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == FileCacheTelemetry.Bytes && instrument.Meter.Tags?.Any(t => Equals(t.Value, name)) == true)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => gaugeMax = Math.Max(gaugeMax, value));
        listener.Start();

        var values = Enumerable.Range(0, 64).Select(i => new byte[512 + (i * 211 % 7000)]).ToArray();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 2).Select(w => new Thread(() =>
        {
            var random = new Random(w);
            string project = w == 0 ? "a" : "b";
            var keys = Enumerable.Range(0, 2000).Select(i => cache.CreateKey(project, $"f{i}")).ToArray();
            while (!stop.IsCancellationRequested)
            {
                cache.Set(keys[random.Next(keys.Length)], values[random.Next(values.Length)]);
            }
        })).ToList();
        writers.ForEach(t => t.Start());

        long maxSeen = 0;
        int samples = 0;
        try
        {
            for (; samples < 20_000; samples++)
            {
                var stats = cache.GetStatistics();
                maxSeen = Math.Max(maxSeen, stats.Total.Bytes);
                maxSeen = Math.Max(maxSeen, stats.Projects["a"].Bytes + stats.Projects["b"].Bytes);
                if (samples % 16 == 0)
                {
                    listener.RecordObservableInstruments();
                }
            }
        }
        finally
        {
            stop.Cancel();
            writers.ForEach(t => t.Join());
        }

        Assert.True(cache.GetStatistics().Total.Bytes > Budget / 2, "the writers did not fill the cache");
        Assert.InRange(maxSeen, 0, Budget);
        Assert.True(gaugeMax > 0, "this cache's bytes gauge was never observed");
        Assert.InRange(gaugeMax, 0, Budget);
        CacheFixture.AssertConsistent(cache);
    }
}

/// <summary>With compression on, the heap the cache keeps is what it reports (its scratch buffers are bounded). Runs alone.</summary>
[Collection(nameof(MemoryMeasurement))]
public class CompressedBudgetTests(ITestOutputHelper output)
{
    private static readonly string[] Words = Enumerable.Range(0, 400).Select(i => $"w{i * 7919 % 100_003:x}").ToArray();

    [Fact]
    public async Task RetainedHeap_WithCompressionAndFilesReadTwiceConcurrently_IsAtMostTheReportedBytesPlus15Percent()
    {
        using var dir = new TestDirectory();
        var random = new Random(7);
        var paths = new List<string>();
        for (int i = 0; i < 120; i++)
        {
            // Text of many sizes (16 KiB to 1.5 MiB), so the buffers fall in many size classes.
            int length = 16 * 1024 + random.Next(1536 * 1024);
            var text = new StringBuilder(length + 16);
            while (text.Length < length)
            {
                text.Append(Words[random.Next(Words.Length)]).Append(random.Next(4) == 0 ? '\n' : ' ');
            }

            string path = $"d{i % 7}/f{i}.txt";
            dir.Write(path, Encoding.UTF8.GetBytes(text.ToString(0, length)));
            paths.Add(path);
        }

        long before = GC.GetTotalMemory(forceFullCollection: true);
        var options = new FileCacheOptions { MaxBytes = 1L << 30, Compression = { ThresholdBytes = 4096 }, Memory = { AdaptToPressure = false } };
        options.Invalidation.Mode = FileCache.Invalidation.ValidationMode.None;
        using var cache = FileCacheFactory.Create(options.AddProject("p", dir.Root));
        long raw = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            await Parallel.ForEachAsync(paths, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (path, ct) =>
            {
                var file = await cache.ReadAsync("p", path, ct);
                if (pass == 0)
                {
                    Interlocked.Add(ref raw, file.Length);
                }
            });
        }

        for (int i = 0; i < paths.Count; i += 3)
        {
            Assert.True(cache.TryLeaseContent(cache.CreateKey("p", paths[i]), out var lease));
            lease.Dispose();
        }

        long after = GC.GetTotalMemory(forceFullCollection: true);
        long reported = cache.GetStatistics().Total.Bytes;
        double ratio = (after - before) / (double)reported;
        output.WriteLine($"raw {raw:N0} B; reported {reported:N0} B; retained {after - before:N0} B; retained / reported {ratio:F3}");

        Assert.True(reported < raw * 0.8, "the files did not compress");
        Assert.InRange(ratio, 0.5, 1.15);
        GC.KeepAlive(cache);
    }
}
