namespace FileCache.Statistics;

/// <summary>
/// A count-min sketch of sampled accesses per key: four rows of counters, each key counted in one counter
/// per row, its estimate the smallest of the four (never below the truth, above it only by collisions).
/// When the additions reach ten times the width, every counter is halved, so estimates follow recent traffic.
/// Not thread-safe: <see cref="HotKeyTracker"/> calls it under its drain lock.
/// </summary>
internal sealed class AccessSketch
{
    private const int Rows = 4;
    private readonly int[] _counters;
    private readonly int _mask;
    private readonly long _resetAt;
    private long _additions;

    public AccessSketch(int width)
    {
        width = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(width, 16, 1 << 16));
        _counters = new int[Rows * width];
        _mask = width - 1;
        _resetAt = 10L * width;
    }

    /// <summary>Gets how many times the counters were halved.</summary>
    public int Halvings { get; private set; }

    /// <summary>Counts one access and returns the key's new estimate.</summary>
    public int Increment(int hash)
    {
        ulong spread = (uint)hash * 0x9E3779B97F4A7C15UL;
        int estimate = int.MaxValue;
        for (int row = 0; row < Rows; row++)
        {
            int index = (row * (_mask + 1)) + (int)((spread >> (16 * row)) & (ulong)_mask);
            int value = _counters[index];
            if (value < int.MaxValue)
            {
                _counters[index] = ++value;
            }

            estimate = Math.Min(estimate, value);
        }

        if (++_additions >= _resetAt)
        {
            Halve();
            estimate /= 2;
        }

        return estimate;
    }

    /// <summary>Returns the key's estimate without counting.</summary>
    public int Estimate(int hash)
    {
        ulong spread = (uint)hash * 0x9E3779B97F4A7C15UL;
        int estimate = int.MaxValue;
        for (int row = 0; row < Rows; row++)
        {
            int index = (row * (_mask + 1)) + (int)((spread >> (16 * row)) & (ulong)_mask);
            estimate = Math.Min(estimate, _counters[index]);
        }

        return estimate;
    }

    private void Halve()
    {
        for (int i = 0; i < _counters.Length; i++)
        {
            _counters[i] >>= 1;
        }

        _additions /= 2;
        Halvings++;
    }
}
