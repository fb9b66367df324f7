

namespace FileCache.Storage;

/// <summary>
/// The owner of a <see cref="FileContentLease"/>'s rented buffer. A lease holds the owner and the generation it was
/// lent under; the first dispose of any copy bumps the generation and returns the buffer, so a second dispose or the
/// dispose of a copy finds a different generation and does nothing. Owners are reused through a small per-thread
/// cache, so leasing a compressed file allocates nothing once warm and takes no lock.
/// </summary>
internal sealed class LeaseBuffer
{
    private const int CachedPerThread = 4;

    [ThreadStatic]
    private static LeaseBuffer?[]? t_cache;

    private byte[]? _buffer;
    private int _generation;

    private LeaseBuffer()
    {
    }

    /// <summary>Gets the buffer lent under <paramref name="generation"/>, or null once that lease was disposed.</summary>
    public byte[]? BufferFor(int generation) => Volatile.Read(ref _generation) == generation ? _buffer : null;

    /// <summary>Rents a buffer of at least <paramref name="length"/> bytes with an owner; returns the owner's generation.</summary>
    public static LeaseBuffer Rent(int length, out int generation)
    {
        var owner = TakeCached() ?? new LeaseBuffer();
        owner._buffer = Compression.CompressionScratch.Rent(length);
        generation = Volatile.Read(ref owner._generation);
        return owner;
    }

    /// <summary>Returns the buffer if the lease of <paramref name="generation"/> is still out; otherwise does nothing.</summary>
    public void Release(int generation)
    {
        if (Interlocked.CompareExchange(ref _generation, unchecked(generation + 1), generation) != generation)
        {
            return;
        }

        byte[]? buffer = _buffer;
        _buffer = null;
        if (buffer is not null)
        {
            Compression.CompressionScratch.Return(buffer);
        }

        Cache(this);
    }

    private static LeaseBuffer? TakeCached()
    {
        var cache = t_cache;
        if (cache is null)
        {
            return null;
        }

        for (int i = 0; i < cache.Length; i++)
        {
            var owner = cache[i];
            if (owner is not null)
            {
                cache[i] = null;
                return owner;
            }
        }

        return null;
    }

    private static void Cache(LeaseBuffer owner)
    {
        var cache = t_cache ??= new LeaseBuffer?[CachedPerThread];
        for (int i = 0; i < cache.Length; i++)
        {
            if (cache[i] is null)
            {
                cache[i] = owner;
                return;
            }
        }
    }
}
