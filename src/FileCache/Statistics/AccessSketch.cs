namespace FileCache.Statistics;

/// <summary>
/// A count-min sketch of sampled accesses per key: four rows of counters, each key counted in one counter
/// per row, its estimate the smallest of the four (never below the truth, above it only by collisions).
/// When the additions reach ten times the width, every counter is halved, so estimates follow recent traffic.
/// It starts narrow (<see cref="MinWidth"/>: 512 B) and widens with the number of entries the cache holds
/// (<see cref="EnsureCapacity"/>), up to the width it was given: an almost empty cache does not pay for the
/// 32 KB of counters a large one needs. The counters are 16-bit: none can pass the additions since the last halving,
/// which stay under ten times the width (at most 4,096), so 40,960; they saturate rather than wrap all the same.
/// Not thread-safe: <see cref="HotKeyTracker"/> calls it under its drain lock.
/// </summary>
internal sealed class AccessSketch
{
    /// <summary>The width a new sketch starts with (counters per row).</summary>
    public const int MinWidth = 64;

    /// <summary>The widest a sketch may be: ten times it stays under the 16-bit counters' limit.</summary>
    public const int MaxWidth = 4096;

    private const int Rows = 4;
    private readonly int _maxWidth;
    private ushort[] _counters;
    private int _mask;
    private long _resetAt;
    private long _additions;

    /// <summary>Creates a sketch <see cref="MinWidth"/> wide that may widen up to <paramref name="maxWidth"/> (rounded up to a power of two, at most <see cref="MaxWidth"/>).</summary>
    public AccessSketch(int maxWidth)
    {
        _maxWidth = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(maxWidth, MinWidth, MaxWidth));
        _counters = new ushort[Rows * MinWidth];
        _mask = MinWidth - 1;
        _resetAt = 10L * MinWidth;
    }

    /// <summary>Gets how many times the counters were halved.</summary>
    public int Halvings { get; private set; }

    /// <summary>Gets the counters per row.</summary>
    public int Width => _mask + 1;

    /// <summary>
    /// Widens the sketch to the next power of two at or above <paramref name="entries"/> (at most the width it was
    /// created with) when it is narrower. The counts are kept: a key's counter in each row is chosen by the low
    /// bits of its spread hash, so the wider row repeats the narrower one and every key reads the same counts as
    /// before; later additions spread over the wider row (which lowers the collisions that inflate estimates).
    /// </summary>
    public void EnsureCapacity(long entries)
    {
        int width = Width;
        if (entries <= width || width == _maxWidth)
        {
            return;
        }

        int wider = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Min(entries, _maxWidth));
        var counters = new ushort[Rows * wider];
        for (int row = 0; row < Rows; row++)
        {
            for (int column = 0; column < wider; column++)
            {
                counters[(row * wider) + column] = _counters[(row * width) + (column & _mask)];
            }
        }

        _counters = counters;
        _mask = wider - 1;
        _resetAt = 10L * wider;
    }

    /// <summary>Counts one access and returns the key's new estimate.</summary>
    public int Increment(int hash)
    {
        ulong spread = (uint)hash * 0x9E3779B97F4A7C15UL;
        int estimate = int.MaxValue;
        for (int row = 0; row < Rows; row++)
        {
            int index = (row * (_mask + 1)) + (int)((spread >> (16 * row)) & (ulong)_mask);
            int value = _counters[index];
            if (value < ushort.MaxValue)
            {
                _counters[index] = (ushort)++value;
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
