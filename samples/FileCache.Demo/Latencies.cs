using System.Diagnostics;
using System.Globalization;

namespace FileCache.Demo;

/// <summary>Collects Stopwatch timestamps deltas and reports percentiles in microseconds.</summary>
internal sealed class Latencies(string name, int capacity)
{
    private long[] _ticks = new long[Math.Max(16, capacity)];

    public string Name { get; } = name;

    public int Count { get; private set; }

    public void Add(long ticks)
    {
        if (Count == _ticks.Length)
        {
            Array.Resize(ref _ticks, _ticks.Length * 2);
        }

        _ticks[Count++] = ticks;
    }

    /// <summary>A table row: count, p50, p90, p99, max (µs), or dashes when empty.</summary>
    public string Row(int nameWidth)
    {
        string label = Name.PadRight(nameWidth);
        if (Count == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"  {label} {0,9:N0} {"-",9} {"-",9} {"-",9} {"-",9}");
        }

        var sorted = _ticks.AsSpan(0, Count);
        sorted.Sort();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"  {label} {Count,9:N0} {Micros(Percentile(sorted, 0.50)),9:N1} {Micros(Percentile(sorted, 0.90)),9:N1} {Micros(Percentile(sorted, 0.99)),9:N1} {Micros(sorted[^1]),9:N1}");
    }

    public static string Header(int nameWidth) => string.Create(
        CultureInfo.InvariantCulture,
        $"  {"Read latency (µs)".PadRight(nameWidth)} {"reads",9} {"p50",9} {"p90",9} {"p99",9} {"max",9}");

    // Nearest rank: the smallest value with at least p of the samples at or below it.
    private static long Percentile(ReadOnlySpan<long> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double Micros(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
}
