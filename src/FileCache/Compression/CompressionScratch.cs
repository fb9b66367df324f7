namespace FileCache.Compression;

/// <summary>
/// The scratch buffers LZ4 encodes into. Not the shared <see cref="System.Buffers.ArrayPool{T}"/>: it keeps what it is
/// given, per core and per size class, and with files read once each it held up to twice every file's size on top of
/// the cache's budget (66 MiB of heap for 30 MiB counted). Here at most <see cref="Slots"/> buffers of at most
/// <see cref="MaxKeptBytes"/> are kept between inserts, so compression keeps at most 1 MiB whatever it compresses; a
/// larger block is encoded into a buffer of its own that the collector takes back.
/// </summary>
internal static class CompressionScratch
{
    /// <summary>The largest buffer kept for reuse.</summary>
    public const int MaxKeptBytes = 256 * 1024;

    /// <summary>How many buffers are kept (concurrent compressions beyond that allocate).</summary>
    public const int Slots = 4;

    private static readonly byte[]?[] Kept = new byte[]?[Slots];

    public static byte[] Rent(int length)
    {
        if (length <= MaxKeptBytes)
        {
            for (int i = 0; i < Kept.Length; i++)
            {
                // Exchange: a buffer is owned by exactly one thread between Rent and Return.
                if (Interlocked.Exchange(ref Kept[i], null) is { } buffer)
                {
                    return buffer;
                }
            }

            return new byte[MaxKeptBytes];
        }

        return GC.AllocateUninitializedArray<byte>(length);
    }

    public static void Return(byte[] buffer)
    {
        if (buffer.Length != MaxKeptBytes)
        {
            return;
        }

        for (int i = 0; i < Kept.Length; i++)
        {
            if (Interlocked.CompareExchange(ref Kept[i], buffer, null) is null)
            {
                return;
            }
        }
    }
}
