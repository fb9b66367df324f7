using FileCache.Statistics;

namespace FileCache.Tests.Statistics;

public class LogHistogramTests
{
    [Fact]
    public void Buckets_CoverEveryValue_WithUpperBoundsWithinAnEighth()
    {
        var random = new Random(7);
        for (int i = 0; i < 100_000; i++)
        {
            long value = random.NextInt64(0, long.MaxValue >> random.Next(0, 62));
            int bucket = LogHistogram.BucketOf(value);
            long upper = LogHistogram.UpperBound(bucket);
            Assert.True(value <= upper, $"{value} above its bucket's bound {upper}");
            Assert.True(bucket == 0 || value > LogHistogram.UpperBound(bucket - 1), $"{value} belongs to an earlier bucket");
            Assert.True(upper - value <= value / 8, $"{value}: bound {upper} more than an eighth above");
        }
    }

    [Fact]
    public void Quantiles_MatchExactOnes_WithinAnEighth_AndMaxIsExact()
    {
        var histogram = new LogHistogram();
        var random = new Random(11);
        var values = Enumerable.Range(0, 50_000).Select(_ => (long)(Math.Exp(random.NextDouble() * 16) * 100)).ToArray();
        Parallel.ForEach(values, histogram.Record);
        Array.Sort(values);
        long[] buckets = histogram.CopyBuckets();
        Assert.Equal(values.Length, LogHistogram.Count(buckets));
        Assert.Equal(values[^1], histogram.Max);
        Assert.Equal(values.Sum(), histogram.Sum);
        foreach (double q in new[] { 0.5, 0.9, 0.99 })
        {
            long exact = values[(int)Math.Ceiling(q * values.Length) - 1];
            long reported = LogHistogram.Quantile(buckets, values.Length, q, histogram.Max);
            Assert.InRange(reported, exact, exact + (exact / 8) + 1);
        }
    }

    [Fact]
    public void Remove_TakesValuesBackOut()
    {
        var histogram = new LogHistogram();
        histogram.Record(100);
        histogram.Record(5000);
        histogram.Remove(100);
        long[] buckets = histogram.CopyBuckets();
        Assert.Equal(1, LogHistogram.Count(buckets));
        Assert.Equal(5000, histogram.Sum);
        Assert.Equal(1, buckets[LogHistogram.BucketOf(5000)]);
    }

    [Fact]
    public void HitSampling_PicksAboutOneInRate()
    {
        foreach (int rate in new[] { 1, 64, 1024 })
        {
            ulong threshold = HitSampling.Threshold(rate);
            int picked = Enumerable.Range(1, 1 << 20).Count(n => HitSampling.Scramble(n) < threshold);
            double expected = (1 << 20) / (double)rate;
            Assert.InRange(picked, expected * 0.9, expected * 1.1);
        }
    }
}
