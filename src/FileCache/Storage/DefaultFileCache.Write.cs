using FileCache.Internal;
using FileCache.Keys;
using FileCache.Telemetry;

namespace FileCache.Storage;

/// <summary>Loads (single flight), inserts and removals: the paths that take the store lock.</summary>
internal sealed partial class DefaultFileCache
{
    /// <summary>
    /// Bytes counted for every entry besides its payload and its file name's string: the entry object (which is also its
    /// map node, 104 bytes) and its share of the map's slot array (1.6 to 3.2 slots of 8 bytes; 4 counted). Measured (retained heap per entry
    /// after full collections, 64-bit): ByteAccountingTests checks it stays within 5 %.
    /// </summary>
    internal const long EntryOverhead = 136;

    /// <summary>
    /// Bytes counted on top of <see cref="EntryOverhead"/> for an entry of a project with a quota: the side object that
    /// holds its links on its project's eviction list (header, method table, six references and a size).
    /// </summary>
    internal const long QuotaSideOverhead = 72;

    /// <summary>
    /// Bytes counted besides its content for a file value: the <see cref="CachedFile"/> object (56: its origin, packed
    /// facts and the content array's reference) and its content array's header. Its paths are not stored (it shares the entry's
    /// name and directory node; the full path is joined from the project's root when asked for). Measured like <see cref="EntryOverhead"/>.
    /// </summary>
    internal const long CachedFileOverhead = 80;

    /// <summary>
    /// Bytes counted besides its block for a file held LZ4-compressed: the <c>CompressedFile</c> object (its origin and
    /// facts as a <see cref="CachedFile"/>'s, the block reference and the original length) and the block's header.
    /// </summary>
    internal const long CompressedFileOverhead = 96;

    /// <summary>Heap bytes of a string: 8-byte header, method table, length, the characters and a terminator, 8-aligned.</summary>
    internal static long StringBytes(string text) => (22 + (2L * text.Length) + 7) & ~7L;

    /// <summary>Bytes counted besides its location string for a negative entry's <c>MissingFile</c> (header, method table, the reference).</summary>
    internal const long MissingFileOverhead = 24;

    /// <summary>Heap bytes of a byte array's header (header, method table, length and padding).</summary>
    internal const long ArrayHeaderBytes = 24;

    private Invalidation.EntryRefresher? _lastRefresher;

    /// <summary>How many times a caller who joined reads that failed because the file kept changing starts afresh.</summary>
    private const int MaxJoinerRetries = 2;

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
        return LoadAsync<T>(partition, key, loader: null, options, cancellationToken, refresh: false, adapter);
    }

    /// <inheritdoc/>
    public bool Set<T>(in FileKey key, T value, FileCacheEntryOptions? options = null)
    {
        ThrowIfDisposed();
        var partition = GetPartition(key, nameof(key));
        if (value is null)
        {
            Throw.ArgumentNull(nameof(value), "A null value is not cached (it could never be told apart from a miss).");
        }

        ValidateEntryOptions<T>(options);
        return Insert(partition, key, value, options, load: null);
    }

    /// <summary>The single-flight load: <paramref name="loader"/>, or when it is null <paramref name="refresher"/>, which must then be an <see cref="Invalidation.EntryLoader{T}"/>.</summary>
    private async ValueTask<T> LoadAsync<T>(Partition partition, FileKey key, Func<FileKey, CancellationToken, ValueTask<T>>? loader, FileCacheEntryOptions? options, CancellationToken cancellationToken, bool refresh = false, Invalidation.EntryRefresher? refresher = null, bool rememberMissing = false)
    {
        int joinerRetries = 0;
        while (true)
        {
            if (partition.InFlight.TryGetValue(key, out var existing))
            {
                if (IsTooOldToJoin(existing) || LeaseLapsed())
                {
                    // ValidateOnRead: this load may have read the file before a change the last check would see. Past a
                    // distributed read lease: it may have read before an invalidation the others were told was
                    // acknowledged (this node's lease ran out meanwhile), so this reader loads for itself.
                    lock (_store.Lock)
                    {
                        if (partition.InFlight.TryRemove(new KeyValuePair<FileKey, LoadOperation>(key, existing)))
                        {
                            existing.Fenced = true;
                        }
                    }

                    continue;
                }

                // A loader that waits for its own key (directly or through other loads) would wait forever.
                LoadOperation.ThrowIfWaitingForItself(existing);
                if (existing is LoadOperation<T> shared && shared.TryJoin())
                {
                    shared.RememberMissing |= rememberMissing;
                    try
                    {
                        return await shared.WaitAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (Sources.FileChangedDuringReadException) when (joinerRetries++ < MaxJoinerRetries)
                    {
                        // That read started before us and the file changed under it; our own read may begin after the
                        // last write, so we are owed a fresh attempt rather than its failure. (The caller who started a
                        // read hears its failure; bounded, so a file rewritten without pause still fails.)
                        continue;
                    }
                }

                // A load of another type for the same key, or one being abandoned: let it finish, then retry.
                await existing.Completion.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                cancellationToken.ThrowIfCancellationRequested();
                continue;
            }

            // A load may have finished between our miss and now: look again before starting another.
            if (!refresh && TryGetLoaded(partition, key, out T? cached))
            {
                return cached!;
            }

            var load = new LoadOperation<T>(partition, key, Volatile.Read(ref partition.Generation), cancellationToken.CanBeCanceled)
            {
                Options = options,
                StartedAt = _inv.Clock.Now,
                Refresher = refresher ?? (ReferenceEquals(loader, _diskLoader) ? null : RefresherFor(loader!, options)),
                RememberMissing = rememberMissing,
            };
            bool tracked = TrackDependencies(load);
            if (!partition.InFlight.TryAdd(key, load))
            {
                if (tracked)
                {
                    UntrackDependencies(load);
                }

                continue;
            }

            // And once more now that ours is registered: a load that registered, inserted and left between our look and
            // our registration is over, and its value is in the map (a load inserts before it leaves the table).
            if (!refresh && TryGetLoaded(partition, key, out cached))
            {
                if (tracked)
                {
                    UntrackDependencies(load);
                }

                return await load.ConcludeWithLoaded(cached!).ConfigureAwait(false);
            }

            load.Telemetry = _observer.StartLoad(partition, key);
            var outcome = load.StartAsync(loader, this, cancellationToken);
            CacheObserver.LoadStarted(load.Telemetry);
            return await outcome.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The value a load just left in the map, if a caller may take it instead of loading: a refresh must not return the
    /// stale value it replaces, an entry due for a check is not trusted here, and past a distributed read lease only what
    /// <see cref="StillTrusted"/> vouches for (as on the hit path).
    /// </summary>
    private bool TryGetLoaded<T>(Partition partition, in FileKey key, out T? cached)
    {
        if (partition.Map.TryGetValue(key, out var entry) && entry.Value is T value
            && (entry.Coherence is null || (!entry.Coherence.ValidateFile && Volatile.Read(ref entry.Coherence.StaleSince) == 0))
            && (!entry.HasExpiry || !entry.IsExpired(_time.GetTimestamp()))
            && Trusted(entry))
        {
            cached = value;
            return true;
        }

        cached = default;
        return false;
    }

    /// <summary>A load's loader returned <paramref name="value"/>: count it and insert it (unless fenced), before it leaves the in-flight table.</summary>
    internal void OnLoaded<T>(LoadOperation<T> load, T value)
    {
        load.Partition.Counters.Loads.Increment();
        try
        {
            Insert(load.Partition, load.Key, value, load.Options, load);
        }
        finally
        {
            UntrackDependencies(load);
            _observer.EndLoad(load.Telemetry, failed: false);
        }
    }

    /// <summary>A load's loader threw, was cancelled, or returned null.</summary>
    internal void OnLoadFailed(LoadOperation load, Exception? exception)
    {
        UntrackDependencies(load);
        load.Partition.Counters.LoadFailures.Increment();
        _observer.EndLoad(load.Telemetry, failed: true);
        if (exception is FileNotFoundException && load.RememberMissing)
        {
            RememberMissingFile(load);
        }
    }

    /// <summary>
    /// The refresher for entries loaded by <paramref name="loader"/> with <paramref name="options"/>: the last one made
    /// when it matches (callers usually pass the same loader and options on every miss), so a miss allocates none.
    /// </summary>
    private Invalidation.EntryRefresher<T> RefresherFor<T>(Func<FileKey, CancellationToken, ValueTask<T>> loader, FileCacheEntryOptions? options)
    {
        if (Volatile.Read(ref _lastRefresher) is Invalidation.EntryRefresher<T> last && last.Matches(loader, options))
        {
            return last;
        }

        var made = new Invalidation.EntryRefresher<T>(loader, options);
        Volatile.Write(ref _lastRefresher, made);
        return made;
    }

    // expected: when set, insert only in place of this very entry (still cached under the key), fencing the key's loads under way.
    // fenceLoad: fence the key's load under way (a write: the load may have read the file before it).
    private bool Insert<T>(Partition partition, in FileKey key, T value, FileCacheEntryOptions? options, LoadOperation? load, CacheEntry? expected = null, bool fenceLoad = false)
    {
        object? stored = value;
        if (_compressionThreshold is int threshold && value is CachedFile file
            && (load is not null && ReferenceEquals(load.CompressionJudged, file)
                ? (load.CompressedBlock is { } block ? Compression.CompressedFile.FromBlock(file, block) : null)
                : Compression.CompressedFile.TryCompress(file, threshold, _minCompressionSavings, _compressionLevel)) is { } compressed)
        {
            // A file from the load pipeline was judged by its compression stage; a value the caller sets is judged here.
            stored = compressed;
            _observer.Compressed(file.Length, compressed.Block.Length);
        }

        // A declared size is the value's; the entry's own structures (and its path) come on top, as for values the cache
        // sizes itself, so that no declared size (0 included) lets entries hold more heap than the budget says.
        // The entry keeps its name and its directory's node: the file's own when it has them (a file read from the
        // project's root), else found in the path index without a lock (or made, for a directory not indexed yet).
        var directory = PlaceOf(partition, key, stored, out var name);
        long payload = options?.Size ?? SizeOf(stored);
        long overhead = options?.Size is null ? EntryOverhead + name.HeapBytes + (partition.Quota != long.MaxValue ? QuotaSideOverhead : 0) : _declaredSizeOverhead;
        long size = payload > long.MaxValue - overhead ? long.MaxValue : payload + overhead;
        long now = _time.GetTimestamp();
        long absolute = options?.AbsoluteExpirationRelativeToNow is { } relative ? ToTimestampTicks(relative) : _defaultAbsoluteTicks ?? 0;
        long sliding = options?.SlidingExpiration is { } slide ? ToTimestampTicks(slide) : _defaultSlidingTicks ?? 0;
        var entry = new CacheEntry(key, directory, name, partition, stored, size, absolute == 0 ? long.MaxValue : now + absolute, sliding, now);
        entry.Refresher = load?.Refresher;

        // A negative entry takes the slow path of a hit, which refuses it: only TryReadAsync answers from it.
        entry.CanExpire |= stored is Sources.MissingFile;
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

            inserted = inPlace && !_disposed && !RefusedWhileWatchStarts(partition, value, options) && !RefusedWhileUnverified(entry) && _store.InsertLocked(entry, load, now, sink);
            if (inserted && replacing)
            {
                CascadeLocked(key, sink);
            }
        }

        Raise(sink);
        return inserted;
    }

    /// <summary>The directory node and file name an entry of <paramref name="key"/> keeps: shared with the file it holds when it can be.</summary>
    private static Invalidation.PathNode PlaceOf(Partition partition, in FileKey key, object? stored, out FileName name)
    {
        var origin = stored switch
        {
            CachedFile file => file.Origin,
            Compression.CompressedFile compressed => compressed.Origin,
            _ => default,
        };

        if (origin.TryShare(partition.Paths, key, out var shared, out var sharedName))
        {
            name = sharedName;
            return shared;
        }

        return partition.Paths.Place(key, out name);
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
        CachedFile file => file.Length + file.OwnBytes + CachedFileOverhead,
        Sources.MissingFile missing => StringBytes(missing.Location) + MissingFileOverhead,
        Compression.CompressedFile compressed => compressed.Block.Length + compressed.OwnBytes + CompressedFileOverhead,
        byte[] bytes => bytes.Length + ArrayHeaderBytes,
        string text => StringBytes(text),

        // Boxed (header, method table, the 16-byte struct) beside the memory's bytes.
        ReadOnlyMemory<byte> memory => memory.Length + ArrayHeaderBytes + 32,
        Memory<byte> memory => memory.Length + ArrayHeaderBytes + 32,
        _ => 0,
    };
}
