using System.Numerics;

namespace FileCache.Statistics;

/// <summary>
/// A histogram of non-negative values in logarithmic buckets: values below 8 have a bucket each; above, every
/// power of two is split into 8 equal buckets, so a reported percentile is within 12.5% of the true value.
/// Buckets are Interlocked counters: recording takes no lock and any number of threads may record at once.
/// The buckets (4 KB) are made by the first value recorded (or by <see cref="Prepare"/>), so a histogram nothing
/// was recorded in (the invalidation latencies of a cache never invalidated, the hit latencies of an empty one)
/// costs 40 bytes.
/// </summary>
internal sealed class LogHistogram
{
    private const int SubBuckets = 8;
    private const int SubBits = 3;

    /// <summary>Buckets for every long: 8 direct ones, then 8 per power of two from 2^3 to 2^62.</summary>
    private const int BucketCount = SubBuckets * 62;

    private long[]? _buckets;
    private long _sum;
    private long _max;

    /// <summary>Records one value; negative values count as 0.</summary>
    public void Record(long value)
    {
        if (value < 0)
        {
            value = 0;
        }

        Interlocked.Increment(ref Buckets()[BucketOf(value)]);
        Interlocked.Add(ref _sum, value);

        // Invariant: _max only grows. Retry only while our value is still larger than what another thread set.
        long max = Volatile.Read(ref _max);
        while (value > max)
        {
            long seen = Interlocked.CompareExchange(ref _max, value, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    /// <summary>Forgets one value recorded before (for distributions of what is held now, such as entry sizes).</summary>
    public void Remove(long value)
    {
        if (value < 0)
        {
            value = 0;
        }

        Interlocked.Decrement(ref Buckets()[BucketOf(value)]);
        Interlocked.Add(ref _sum, -value);
    }

    public long Sum => Volatile.Read(ref _sum);

    /// <summary>Gets a value indicating whether the buckets were made.</summary>
    public bool HasBuckets => Volatile.Read(ref _buckets) is not null;

    /// <summary>Makes the buckets now, so that a path that must not allocate (a hit) never makes them.</summary>
    public void Prepare() => Buckets();

    public long Max => Volatile.Read(ref _max);

    /// <summary>Copies the bucket counts; percentiles are then computed on a consistent copy.</summary>
    public long[] CopyBuckets()
    {
        var copy = new long[BucketCount];
        var buckets = Volatile.Read(ref _buckets);
        if (buckets is not null)
        {
            for (int i = 0; i < copy.Length; i++)
            {
                copy[i] = Volatile.Read(ref buckets[i]);
            }
        }

        return copy;
    }

    /// <summary>The buckets, made by the first value; of two threads racing to make them, both count into the one published.</summary>
    private long[] Buckets()
    {
        return Volatile.Read(ref _buckets) ?? Make();

        long[] Make()
        {
            Interlocked.CompareExchange(ref _buckets, new long[BucketCount], null);
            return _buckets;
        }
    }

    public static int BucketOf(long value)
    {
        if (value < SubBuckets)
        {
            return (int)value;
        }

        int exponent = 63 - BitOperations.LeadingZeroCount((ulong)value); // >= 3
        int sub = (int)(value >> (exponent - SubBits)) & (SubBuckets - 1);
        return (SubBuckets * (exponent - SubBits + 1)) + sub;
    }

    /// <summary>The largest value that falls into <paramref name="bucket"/>.</summary>
    public static long UpperBound(int bucket)
    {
        if (bucket < SubBuckets)
        {
            return bucket;
        }

        int exponent = (bucket / SubBuckets) + SubBits - 1;
        int sub = bucket % SubBuckets;
        long width = 1L << (exponent - SubBits);
        long lower = (long)(SubBuckets + sub) << (exponent - SubBits);
        return lower + width - 1;
    }

    /// <summary>The value at quantile <paramref name="q"/> (0..1) of <paramref name="buckets"/>: its bucket's upper bound, capped at <paramref name="max"/>.</summary>
    public static long Quantile(long[] buckets, long count, double q, long max)
    {
        if (count <= 0)
        {
            return 0;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(q * count));
        long seen = 0;
        for (int i = 0; i < buckets.Length; i++)
        {
            seen += buckets[i];
            if (seen >= rank)
            {
                return Math.Min(UpperBound(i), max);
            }
        }

        return max;
    }

    public static long Count(long[] buckets)
    {
        long count = 0;
        foreach (long b in buckets)
        {
            count += b;
        }

        return count;
    }
}
