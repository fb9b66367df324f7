using System.Runtime.CompilerServices;

namespace FileCache.Statistics;

/// <summary>
/// Which hits are sampled. Taking every Nth hit of a counter would alias with periodic access: a tool that walks
/// the same 1,024 files in order would sample the same 16 of them forever. Instead the hit number is scrambled
/// (multiply, xor-shift, multiply) and compared with 2^64/N, so one hit in N is sampled in the long run, and which
/// hits are taken looks random for any period. Fibonacci hashing alone (one multiply) was not enough: for a
/// period of 1,024 it still sampled under half of the keys, as its points for one key recur every few rounds.
/// </summary>
internal static class HitSampling
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;
    private const ulong Mix = 0xBF58476D1CE4E5B9UL;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Scramble(long hitNumber)
    {
        ulong x = unchecked((ulong)hitNumber * Golden);
        x ^= x >> 32;
        return unchecked(x * Mix);
    }

    /// <summary>The threshold for one sample in <paramref name="rate"/> (a power of two).</summary>
    public static ulong Threshold(int rate) => rate <= 1 ? ulong.MaxValue : (ulong.MaxValue / (ulong)rate) + 1;
}
