using FileCache.Internal;
using FileCache.Storage;

namespace FileCache;

/// <summary>
/// A cached file's bytes lent to the caller by <see cref="IFileCache.TryLeaseContent"/>: the cached memory itself
/// for a file stored as is, or a buffer from the cache's small bounded pool (at most four buffers of 256 KiB are kept;
/// a larger file gets a buffer of its own) holding the decompressed bytes. Dispose it when done (a <c>using</c>
/// declaration does) and do not keep the memory afterwards.
/// </summary>
/// <remarks>
/// Disposing is safe to repeat and safe on copies: the first dispose of the lease or of any copy returns the rented
/// buffer; later ones do nothing. After that, <see cref="Memory"/> and <see cref="Span"/> of a copy throw
/// <see cref="ObjectDisposedException"/> rather than expose a buffer that may already be lent to someone else, and
/// those of the disposed variable itself are empty.
/// </remarks>
public struct FileContentLease : IDisposable, IEquatable<FileContentLease>
{
    private LeaseBuffer? _owner;
    private readonly int _generation;
    private ReadOnlyMemory<byte> _memory;

    internal FileContentLease(ReadOnlyMemory<byte> memory)
    {
        _memory = memory;
    }

    internal FileContentLease(LeaseBuffer owner, int generation, int length)
    {
        _owner = owner;
        _generation = generation;
        _memory = owner.BufferFor(generation).AsMemory(0, length);
    }

    /// <summary>Gets the file's bytes, valid until the lease is disposed.</summary>
    /// <exception cref="ObjectDisposedException">A copy of this lease was disposed.</exception>
    public readonly ReadOnlyMemory<byte> Memory
    {
        get
        {
            if (_owner is not null && _owner.BufferFor(_generation) is null)
            {
                Throw.LeaseDisposed();
            }

            return _memory;
        }
    }

    /// <summary>Gets the file's bytes, valid until the lease is disposed.</summary>
    /// <exception cref="ObjectDisposedException">A copy of this lease was disposed.</exception>
    public readonly ReadOnlySpan<byte> Span => Memory.Span;

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

    /// <summary>Returns the rented buffer, if any, to the cache's bounded scratch pool; a second dispose, or the dispose of a copy after this one, does nothing.</summary>
    public void Dispose()
    {
        var owner = _owner;
        int generation = _generation;
        _owner = null;
        _memory = default;
        owner?.Release(generation);
    }

    /// <inheritdoc/>
    public readonly bool Equals(FileContentLease other)
        => _memory.Equals(other._memory) && ReferenceEquals(_owner, other._owner) && _generation == other._generation;

    /// <inheritdoc/>
    public override readonly bool Equals(object? obj) => obj is FileContentLease other && Equals(other);

    /// <inheritdoc/>
    public override readonly int GetHashCode() => _memory.GetHashCode();
}
