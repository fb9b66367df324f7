using FileCache.Compression;
using FileCache.Internal;

namespace FileCache.Storage;

/// <summary>Reads of a cached file's bytes that allocate nothing, compressed or not: copy into a caller's buffer, or lease.</summary>
internal sealed partial class DefaultFileCache
{
    /// <inheritdoc/>
    public bool TryGetContentLength(in FileKey key, out int length)
    {
        var entry = FindContent(key, countHit: false);
        length = entry?.Value switch
        {
            CachedFile file => file.Length,
            CompressedFile compressed => compressed.Length,
            _ => 0,
        };
        return entry is not null;
    }

    /// <inheritdoc/>
    public bool TryCopyContent(in FileKey key, Span<byte> destination, out int bytesWritten)
    {
        var entry = FindContent(key, countHit: true);
        switch (entry?.Value)
        {
            case CachedFile file:
                CheckRoom(file.Length, destination.Length);
                file.Content.Span.CopyTo(destination);
                bytesWritten = file.Length;
                return true;
            case CompressedFile compressed:
                CheckRoom(compressed.Length, destination.Length);
                compressed.DecodeTo(destination);
                bytesWritten = compressed.Length;
                return true;
            default:
                bytesWritten = 0;
                return false;
        }
    }

    /// <inheritdoc/>
    public bool TryLeaseContent(in FileKey key, out FileContentLease lease)
    {
        var entry = FindContent(key, countHit: true);
        switch (entry?.Value)
        {
            case CachedFile file:
                lease = new FileContentLease(file.Content);
                return true;
            case CompressedFile compressed:
                var owner = LeaseBuffer.Rent(compressed.Length, out int generation);
                try
                {
                    compressed.DecodeTo(owner.BufferFor(generation)!);
                }
                catch
                {
                    owner.Release(generation);
                    throw;
                }

                lease = new FileContentLease(owner, generation, compressed.Length);
                return true;
            default:
                lease = default;
                return false;
        }
    }

    private static void CheckRoom(int needed, int available)
    {
        if (available < needed)
        {
            Throw.Argument($"The destination holds {available} bytes; the content has {needed} (see TryGetContentLength).", "destination");
        }
    }

    /// <summary>The hit path of TryGet, for a file's entry: the live entry, or null (counted as a miss).</summary>
    private CacheEntry? FindContent(in FileKey key, bool countHit)
    {
        ThrowIfDisposed();
        var partition = GetPartition(key, nameof(key));
        if (partition.Map.TryGetValue(key, out var entry) && entry.Value is CachedFile or CompressedFile
            && (!entry.CanExpire || TouchExpiring(entry)))
        {
            if (countHit)
            {
                if (entry.Hits < CacheEntry.MaxHits)
                {
                    entry.Hits++;
                }

                partition.Counters.Hits.Increment();
            }

            return entry;
        }

        if (countHit)
        {
            partition.Counters.Misses.Increment();
        }

        return null;
    }

    /// <summary>A hit on a compressed file through TryGet/ReadAsync: decompresses into a new <see cref="CachedFile"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private bool TryGetCompressed<T>(Partition partition, CacheEntry entry, out T value)
    {
        if (entry.CanExpire && !TouchExpiring(entry))
        {
            partition.Counters.Misses.Increment();
            value = default!;
            return false;
        }

        if (entry.Hits < CacheEntry.MaxHits)
        {
            entry.Hits++;
        }

        partition.Counters.Hits.Increment();
        value = (T)(object)((CompressedFile)entry.Value!).ToCachedFile();
        return true;
    }
}
