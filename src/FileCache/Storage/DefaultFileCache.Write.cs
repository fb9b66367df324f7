using FileCache.Internal;
using FileCache.Keys;
using FileCache.Telemetry;

namespace FileCache.Storage;

/// <summary>Loads (single flight), inserts and removals: the paths that take the store lock.</summary>
internal sealed partial class DefaultFileCache
{
    /// <summary>
    /// Bytes counted for every entry besides its payload: the entry object, its dictionary node and its share of the
    /// dictionary's bucket array. Measured (retained heap per entry after full collections, 64-bit):
    /// ByteAccountingTests.EntryOverhead_IsTheMeasuredRetainedBytesPerEntry checks it stays within 15 %.
    /// </summary>
    internal const long EntryOverhead = 336;

    /// <summary>
    /// Bytes counted besides its content and path for a <see cref="CachedFile"/> value: the CachedFile object and
    /// its content array's header. Measured like <see cref="EntryOverhead"/>.
    /// </summary>
    internal const long CachedFileOverhead = 112;

    /// <inheritdoc/>
    public ValueTask<T> GetOrAddAsync<T>(FileKey key, Func<FileKey, CancellationToken, ValueTask<T>> loader, FileCacheEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var partition = GetPartition(key, nameof(key));
        ArgumentNullException.ThrowIfNull(loader);
        ValidateEntryOptions<T>(options);
        if (TryGetCore(partition, key, out T? value))
        {
            return new ValueTask<T>(value!);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }

        return LoadAsync(partition, key, loader, options, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<T> GetOrAddAsync<TState, T>(FileKey key, TState state, Func<FileKey, TState, CancellationToken, ValueTask<T>> loader, FileCacheEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var partition = GetPartition(key, nameof(key));
        ArgumentNullException.ThrowIfNull(loader);
        ValidateEntryOptions<T>(options);
        if (TryGetCore(partition, key, out T? value))
        {
            return new ValueTask<T>(value!);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }

        var adapter = new Invalidation.StateEntryRefresher<TState, T>(state, loader, options);
        return LoadAsync(partition, key, adapter.Load, options, cancellationToken, refresh: false, adapter);
    }

    /// <inheritdoc/>
    public bool Set<T>(in FileKey key, T value, FileCacheEntryOptions? options = null)
    {
        ThrowIfDisposed();
        var partition = GetPartition(key, nameof(key));
        ValidateEntryOptions<T>(options);
        return Insert(partition, key, value, options, load: null);
    }

    private async ValueTask<T> LoadAsync<T>(Partition partition, FileKey key, Func<FileKey, CancellationToken, ValueTask<T>> loader, FileCacheEntryOptions? options, CancellationToken cancellationToken, bool refresh = false, Invalidation.EntryRefresher? refresher = null)
    {
        while (true)
        {
            if (partition.InFlight.TryGetValue(key, out var existing))
            {
                if (IsTooOldToJoin(existing))
                {
                    // ValidateOnRead: this load may have read the file before a change the last check would see.
                    lock (_store.Lock)
                    {
                        if (partition.InFlight.TryRemove(new KeyValuePair<FileKey, LoadOperation>(key, existing)))
                        {
                            existing.Fenced = true;
                        }
                    }

                    continue;
                }

                if (existing is LoadOperation<T> shared && shared.TryJoin())
                {
                    return await shared.WaitAsync(cancellationToken).ConfigureAwait(false);
                }

                // A load of another type for the same key, or one being abandoned: let it finish, then retry.
                await existing.Completion.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                cancellationToken.ThrowIfCancellationRequested();
                continue;
            }

            // A load may have finished between our miss and now: look again before starting another.
            // (A refresh must not return the stale value it replaces; an entry due for a check is not trusted here.)
            if (!refresh && partition.Map.TryGetValue(key, out var entry) && entry.Value is T cached
                && (entry.Coherence is null || (!entry.Coherence.ValidateFile && Volatile.Read(ref entry.Coherence.StaleSince) == 0))
                && (!entry.HasExpiry || !entry.IsExpired(_time.GetTimestamp())))
            {
                return cached;
            }

            var load = new LoadOperation<T>(partition, key, Volatile.Read(ref partition.Generation))
            {
                Options = options,
                StartedAt = _inv.Clock.Now,
                Refresher = refresher ?? (ReferenceEquals(loader, _diskLoader) ? null : new Invalidation.EntryRefresher<T>(loader, options)),
            };
            if (!partition.InFlight.TryAdd(key, load))
            {
                continue;
            }

            var telemetry = _observer.StartLoad(partition, key);
            load.Start(
                loader,
                (op, value) =>
                {
                    op.Partition.Counters.Loads.Increment();
                    try
                    {
                        Insert(op.Partition, op.Key, value, options, op);
                    }
                    finally
                    {
                        _observer.EndLoad(telemetry, failed: false);
                    }
                },
                op =>
                {
                    op.Partition.Counters.LoadFailures.Increment();
                    _observer.EndLoad(telemetry, failed: true);
                });
            CacheObserver.LoadStarted(telemetry);
            return await load.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // expected: when set, insert only in place of this very entry (still cached under the key), fencing the key's loads under way.
    // fenceLoad: fence the key's load under way (a write: the load may have read the file before it).
    private bool Insert<T>(Partition partition, in FileKey key, T value, FileCacheEntryOptions? options, LoadOperation? load, CacheEntry? expected = null, bool fenceLoad = false)
    {
        object? stored = value;
        if (_compressionThreshold is int threshold && value is CachedFile file
            && Compression.CompressedFile.TryCompress(file, threshold, _minCompressionSavings) is { } compressed)
        {
            stored = compressed;
            _observer.Compressed(file.Length, compressed.Block.Length);
        }

        long size = options?.Size ?? (SizeOf(stored) + EntryOverhead);
        long now = _time.GetTimestamp();
        long absolute = options?.AbsoluteExpirationRelativeToNow is { } relative ? ToTimestampTicks(relative) : _defaultAbsoluteTicks ?? 0;
        long sliding = options?.SlidingExpiration is { } slide ? ToTimestampTicks(slide) : _defaultSlidingTicks ?? 0;
        var entry = new CacheEntry(key, partition, stored, size, absolute == 0 ? long.MaxValue : now + absolute, sliding, now);
        entry.Refresher = load?.Refresher;
        if (CreateCoherence(partition, key, value, options, load) is { } coherence)
        {
            entry.Coherence = coherence;
            entry.CanExpire |= coherence.ValidateFile;
        }

        var sink = NewSink();
        bool inserted;
        lock (_store.Lock)
        {
            // A value the caller sets in place of another is a change of that key: what was derived from the old
            // value (its dependants, and loads under way that depend on it) goes, as for an invalidation.
            bool replacing = load is null && partition.Map.ContainsKey(key);

            // In place of one entry only: if it was invalidated or replaced meanwhile, the caller's view is out of date.
            bool inPlace = expected is null || (partition.Map.TryGetValue(key, out var current) && ReferenceEquals(current, expected));
            if ((expected is not null && inPlace) || fenceLoad)
            {
                FenceLoadLocked(partition, key);
            }

            inserted = inPlace && !_disposed && _store.InsertLocked(entry, load, now, sink);
            if (inserted && replacing)
            {
                CascadeLocked(key, sink);
            }
        }

        Raise(sink);
        return inserted;
    }

    /// <summary>Fences the load of <paramref name="key"/> under way, if any: its result is not cached, and the next reader starts afresh. Caller holds the store lock.</summary>
    private static void FenceLoadLocked(Partition partition, in FileKey key)
    {
        if (partition.InFlight.TryRemove(key, out var load))
        {
            load.Fenced = true;
        }
    }

    private static void ValidateEntryOptions<T>(FileCacheEntryOptions? options)
    {
        if (options is not null)
        {
            if (options.Size is < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(options), options.Size, "FileCacheEntryOptions.Size must not be negative.");
            }

            if (options.AbsoluteExpirationRelativeToNow is { } absolute && absolute <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(options), absolute, "FileCacheEntryOptions.AbsoluteExpirationRelativeToNow must be positive.");
            }

            if (options.SlidingExpiration is { } sliding && sliding <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(options), sliding, "FileCacheEntryOptions.SlidingExpiration must be positive.");
            }
        }

        ValidateCoherenceOptions(options);
        if (options?.Size is null && !HasKnownSize(typeof(T)))
        {
            Throw.Argument($"Values of type {typeof(T)} have no known size: set FileCacheEntryOptions.Size.", nameof(options));
        }
    }

    private static bool HasKnownSize(Type type) =>
        type == typeof(CachedFile) || type == typeof(byte[]) || type == typeof(string)
        || type == typeof(ReadOnlyMemory<byte>) || type == typeof(Memory<byte>);

    private static long SizeOf<T>(T value) => value switch
    {
        CachedFile file => file.Length + (2L * file.FullPath.Length) + CachedFileOverhead,
        Compression.CompressedFile compressed => compressed.Block.Length + (2L * compressed.FullPath.Length) + CachedFileOverhead,
        byte[] bytes => bytes.Length,
        string text => 2L * text.Length,
        ReadOnlyMemory<byte> memory => memory.Length,
        Memory<byte> memory => memory.Length,
        _ => 0,
    };
}
