namespace FileCache.Internal;

/// <summary>
/// Converts a span of time to ticks of a <see cref="TimeProvider"/>'s timestamp, the unit every deadline in the engine is
/// kept in. Capped at a quarter of <see cref="long.MaxValue"/> so that a timestamp plus any converted span (an infinite
/// option, <see cref="TimeSpan.MaxValue"/>) never overflows.
/// </summary>
internal static class TimestampTicks
{
    /// <summary>The ticks of <paramref name="span"/> at <paramref name="frequency"/> ticks a second, capped.</summary>
    public static long From(TimeSpan span, long frequency) => (long)Math.Min(long.MaxValue / 4, span.TotalSeconds * frequency);

    /// <summary>The ticks of <paramref name="span"/> on <paramref name="time"/>'s timestamp, capped.</summary>
    public static long From(TimeSpan span, TimeProvider time) => From(span, time.TimestampFrequency);
}
