using System.Numerics;

namespace FileCache.Eviction;

/// <summary>
/// A count-min sketch of 4-bit counters: how often a key was seen recently, in a few bytes per cached entry.
/// Each key maps to four counters (one per row, each row a different hash); its estimate is the smallest of
/// them. After <c>10 x width</c> additions every counter is halved, so old popularity fades. Not thread-safe:
/// used under the store lock only.
/// </summary>
internal sealed class FrequencySketch
{
    public const int MaxCount = 15;
    private const ulong ResetMask = 0x7777_7777_7777_7777UL;

    // Odd 64-bit constants, one per row, that spread the key's hash differently for each counter.
    private static readonly ulong[] Seeds = [0x9E37_79B9_7F4A_7C15UL, 0xC2B2_AE3D_27D4_EB4FUL, 0x1656_67B1_9E37_79F9UL, 0xD6E8_FEB8_6659_FD93UL];

    private ulong[] _table = [];
    private int _mask;
    private int _additions;
    private int _sampleSize;

    public FrequencySketch(int expectedEntries) => EnsureCapacity(expectedEntries);

    /// <summary>Gets the number of keys the table is sized for (16 counters per word, 4 counters per key).</summary>
    public int Width => _table.Length;

    /// <summary>
    /// Grows the table when the cache holds more entries than it was sized for. The history is kept: the new
    /// table repeats the old one, and since a key's word index is the low bits of its spread hash, every key
    /// reads the same counters as before; later additions then spread over the larger table.
    /// </summary>
    public void EnsureCapacity(int entries)
    {
        int width = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(entries, 16, 1 << 26));
        if (width <= _table.Length)
        {
            return;
        }

        var old = _table;
        _table = new ulong[width];
        if (old.Length > 0)
        {
            for (int i = 0; i < width; i++)
            {
                _table[i] = old[i & _mask];
            }
        }

        _mask = width - 1;
        _sampleSize = 10 * width;
    }

    /// <summary>The estimated number of recent occurrences of <paramref name="hash"/> (0 to 15).</summary>
    public int Frequency(int hash)
    {
        int min = MaxCount;
        for (int row = 0; row < 4; row++)
        {
            ulong spread = Spread(hash, row);
            int count = (int)((_table[(int)spread & _mask] >> Shift(spread)) & 0xF);
            min = Math.Min(min, count);
        }

        return min;
    }

    /// <summary>Counts <paramref name="times"/> occurrences of <paramref name="hash"/>.</summary>
    public void Add(int hash, int times = 1)
    {
        bool added = false;
        for (int row = 0; row < 4; row++)
        {
            ulong spread = Spread(hash, row);
            ref ulong word = ref _table[(int)spread & _mask];
            int shift = Shift(spread);
            int count = (int)((word >> shift) & 0xF);
            int next = Math.Min(MaxCount, count + times);
            if (next != count)
            {
                word = (word & ~(0xFUL << shift)) | ((ulong)next << shift);
                added = true;
            }
        }

        if (added && (_additions += times) >= _sampleSize)
        {
            Halve();
        }
    }

    private void Halve()
    {
        for (int i = 0; i < _table.Length; i++)
        {
            _table[i] = (_table[i] >> 1) & ResetMask;
        }

        _additions /= 2;
    }

    private static ulong Spread(int hash, int row)
    {
        ulong x = ((ulong)(uint)hash + (ulong)row) * Seeds[row];
        return x ^ (x >> 29);
    }

    // Which of the word's 16 counters: taken from the high bits, independent of the low bits that chose the word.
    private static int Shift(ulong spread) => (int)(spread >> 60) << 2;
}
