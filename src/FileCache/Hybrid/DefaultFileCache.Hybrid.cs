using System.Diagnostics.CodeAnalysis;

namespace FileCache.Storage;

/// <summary>The two entry points of the HybridCache adapter: a typed hit on a known partition, and a miss that loads without looking again.</summary>
internal sealed partial class DefaultFileCache
{
    /// <summary>A hit of a typed value in a partition the caller already found (no second partition lookup, no boxing to object).</summary>
    internal bool TryGetFromPartition<T>(Partition partition, in FileKey key, [MaybeNullWhen(false)] out T value)
    {
        ThrowIfDisposed();
        return TryGetCore(partition, key, out value);
    }

    /// <summary>
    /// <see cref="GetOrAddAsync{TState, T}"/> after a miss the caller has just counted: the single-flight load with a state
    /// adapter (no closure), without the hit lookup (which would count the miss twice).
    /// </summary>
    internal ValueTask<T> LoadMissAsync<TState, T>(Partition partition, FileKey key, TState state, Func<FileKey, TState, CancellationToken, ValueTask<T>> loader, FileCacheEntryOptions? options, CancellationToken cancellationToken)
    {
        ValidateEntryOptions<T>(options);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }

        var adapter = new Invalidation.StateEntryRefresher<TState, T>(state, loader, options);
        return LoadAsync<T>(partition, key, loader: null, options, cancellationToken, refresh: false, adapter);
    }
}
