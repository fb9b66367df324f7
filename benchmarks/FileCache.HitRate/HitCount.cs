namespace FileCache.HitRate;

/// <summary>Hits out of a number of requests, with the percentage rounded exactly (integer arithmetic, no floating point).</summary>
internal readonly record struct HitCount(long Hits, long Requests)
{
    public double Percent => Requests == 0 ? 0 : 100.0 * Hits / Requests;

    /// <summary>The percentage in hundredths of a point, rounded half away from zero: 100 * Hits / Requests to 2 decimals, exactly.</summary>
    public long PercentHundredths => Requests == 0 ? 0 : RoundHalfAwayFromZero(Hits * 10_000, Requests);

    /// <summary>The percentage to 2 decimals, as the report prints it (invariant culture).</summary>
    public string PercentText => FormatHundredths(PercentHundredths);

    public static string FormatHundredths(long hundredths)
    {
        string sign = hundredths < 0 ? "-" : string.Empty;
        long magnitude = Math.Abs(hundredths);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{sign}{magnitude / 100}.{magnitude % 100:D2}");
    }

    /// <summary>numerator / denominator rounded to the nearest integer, ties away from zero (denominator positive).</summary>
    public static long RoundHalfAwayFromZero(long numerator, long denominator)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(denominator, 0);
        long quotient = Math.DivRem(Math.Abs(numerator), denominator, out long remainder);
        if (2 * remainder >= denominator)
        {
            quotient++;
        }

        return numerator < 0 ? -quotient : quotient;
    }
}
