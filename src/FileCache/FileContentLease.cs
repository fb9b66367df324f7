namespace FileCache;

/// <summary>
/// A cached file's bytes lent to the caller by <see cref="IFileCache.TryLeaseContent"/>: the cached memory itself
/// for a file stored as is, or a buffer from the cache's small bounded pool (at most four buffers of 256 KiB are kept;
/// a larger file gets a buffer of its own) holding the decompressed bytes. Dispose it exactly once when done (a <c>using</c> declaration does); do not keep the memory afterwards
/// and do not copy the struct to dispose it twice.
/// </summary>
public struct FileContentLease : IDisposable, IEquatable<FileContentLease>
{
    private byte[]? _rented;
    private ReadOnlyMemory<byte> _memory;

    internal FileContentLease(ReadOnlyMemory<byte> memory, byte[]? rented)
    {
        _memory = memory;
        _rented = rented;
    }

    /// <summary>Gets the file's bytes, valid until the lease is disposed.</summary>
    public readonly ReadOnlyMemory<byte> Memory => _memory;

    /// <summary>Gets the file's bytes, valid until the lease is disposed.</summary>
    public readonly ReadOnlySpan<byte> Span => _memory.Span;

    /// <summary>Gets the number of bytes.</summary>
    public readonly int Length => _memory.Length;

    /// <summary>Compares two leases by reference to the same memory.</summary>
    /// <param name="left">The first lease.</param>
    /// <param name="right">The second lease.</param>
    /// <returns><see langword="true"/> when both lend the same memory.</returns>
    public static bool operator ==(FileContentLease left, FileContentLease right) => left.Equals(right);

    /// <summary>Compares two leases by reference to the same memory.</summary>
    /// <param name="left">The first lease.</param>
    /// <param name="right">The second lease.</param>
    /// <returns><see langword="true"/> when they lend different memory.</returns>
    public static bool operator !=(FileContentLease left, FileContentLease right) => !left.Equals(right);

    /// <summary>Returns the rented buffer, if any, to the cache's bounded scratch pool.</summary>
    public void Dispose()
    {
        byte[]? rented = _rented;
        _rented = null;
        _memory = default;
        if (rented is not null)
        {
            Compression.CompressionScratch.Return(rented);
        }
    }

    /// <inheritdoc/>
    public readonly bool Equals(FileContentLease other) => _memory.Equals(other._memory) && ReferenceEquals(_rented, other._rented);

    /// <inheritdoc/>
    public override readonly bool Equals(object? obj) => obj is FileContentLease other && Equals(other);

    /// <inheritdoc/>
    public override readonly int GetHashCode() => _memory.GetHashCode();
}
