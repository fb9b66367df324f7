namespace FileCache.Telemetry;

/// <summary>
/// Explicit bucket boundaries, in seconds, for the duration histograms. Without them an exporter applies its default
/// boundaries (0, 5, 10 ... 10,000), meant for milliseconds: every hit and load would fall in the first bucket and a
/// percentile read from the buckets would say nothing. Boundaries follow 1-2-5 steps per decade over each histogram's
/// range, so a percentile read from the buckets is within a factor of 2.5 of the truth.
/// </summary>
internal static class DurationBuckets
{
    /// <summary>A hit takes tens of nanoseconds; a slow one (contention, a page fault) up to a millisecond.</summary>
    public static readonly IReadOnlyList<double> Hit = Decades(1e-8, 1e-3);

    /// <summary>A load reads a file or runs a loader: a microsecond (a tiny warm file) to tens of seconds (a remote source).</summary>
    public static readonly IReadOnlyList<double> Load = Decades(1e-6, 10);

    /// <summary>An invalidation drops one entry (hundreds of nanoseconds) up to a whole project with its cascades (seconds).</summary>
    public static readonly IReadOnlyList<double> Invalidation = Decades(1e-7, 10);

    /// <summary>1, 2, 5 times each power of ten from <paramref name="first"/> up to and including <paramref name="last"/>.</summary>
    internal static double[] Decades(double first, double last)
    {
        var bounds = new List<double>();
        for (int exponent = (int)Math.Round(Math.Log10(first)); ; exponent++)
        {
            foreach (int mantissa in (ReadOnlySpan<int>)[1, 2, 5])
            {
                // Parsed from text so that each boundary is the double nearest the decimal (1e-7 * 2 is not 2e-7).
                double bound = double.Parse($"{mantissa}e{exponent}", System.Globalization.CultureInfo.InvariantCulture);
                if (bound > last * 1.000001)
                {
                    return [.. bounds];
                }

                bounds.Add(bound);
            }
        }
    }
}
