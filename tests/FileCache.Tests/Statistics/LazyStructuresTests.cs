using FileCache.Monitoring;
using FileCache.Statistics;

namespace FileCache.Tests.Statistics;

/// <summary>The histograms and the snapshot history are made or grown as values come, and read the same as before.</summary>
public class LazyStructuresTests
{
    [Fact]
    public void EmptyHistogram_ReadsAsZeros_ThenCountsFromItsFirstValue()
    {
        var histogram = new LogHistogram();
        var empty = histogram.CopyBuckets();
        Assert.True(empty.Length > LogHistogram.BucketOf(long.MaxValue));
        Assert.All(empty, b => Assert.Equal(0, b));
        Assert.Equal(0, LogHistogram.Count(empty));

        histogram.Remove(5);
        histogram.Record(5);
        histogram.Record(5);
        histogram.Record(1000);
        var buckets = histogram.CopyBuckets();
        Assert.Equal(2, LogHistogram.Count(buckets));
        Assert.Equal(1, buckets[LogHistogram.BucketOf(5)]);
        Assert.Equal(1, buckets[LogHistogram.BucketOf(1000)]);
    }

    [Fact]
    public void ConcurrentFirstValues_AreAllCounted()
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            var histogram = new LogHistogram();
            using var start = new Barrier(4);
            var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
            {
                start.SignalAndWait();
                for (int i = 0; i < 100; i++)
                {
                    histogram.Record(t);
                }
            })).ToArray();
            foreach (var thread in threads)
            {
                thread.Start();
            }

            foreach (var thread in threads)
            {
                thread.Join();
            }

            Assert.Equal(400, LogHistogram.Count(histogram.CopyBuckets()));
        }
    }

    [Fact]
    public void HistoryRing_GrowsToItsCapacity_ThenDropsTheOldest()
    {
        var ring = new HistoryRing(40);
        var at = new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
        for (int i = 0; i < 100; i++)
        {
            ring.Add(new StatisticsSnapshot(at.AddSeconds(i), default!, 0, 0, 0));
            Assert.Equal(Math.Min(i + 1, 40), ring.Count);
            Assert.Equal(at.AddSeconds(Math.Max(0, i - 39)), ring[0].At);
            Assert.Equal(at.AddSeconds(i), ring.Latest!.At);
        }

        Assert.Equal(Enumerable.Range(60, 40).Select(i => at.AddSeconds(i)), ring.ToArray().Select(s => s.At));
        Assert.Equal(at.AddSeconds(70), ring.AtOrBefore(at.AddSeconds(70.5))!.At);
        Assert.Null(ring.AtOrBefore(at.AddSeconds(59)));
    }
}
