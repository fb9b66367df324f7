using FileCache.Internal;
using FileCache.Invalidation;
using FileCache.Keys;
using FileCache.Sources;

namespace FileCache.Storage;

/// <summary>
/// Invalidation: the one entry point (<see cref="Invalidate"/>), strategies, hooks, cascades, load fences, soft
/// invalidation with background refresh, checks on read, and the watcher's batches. See <c>Internal/readme.md</c>.
/// </summary>
internal sealed partial class DefaultFileCache
{
    /// <inheritdoc/>
    public InvalidationResult Invalidate(InvalidationRequest request)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(request);
        Partition? partition = null;
        if (request.Project is not null)
        {
            partition = _partitions.Find(request.Project, Partition.HashName(request.Project));
            if (partition is null)
            {
                Throw.UnknownProject(request.Project, nameof(request));
            }
        }

        return InvalidateCore(request, partition);
    }

    /// <inheritdoc/>
    public bool IsStale(in FileKey key)
    {
        ThrowIfDisposed();
        var partition = GetPartition(key, nameof(key));
        return partition.Map.TryGetValue(key, out var entry) && entry.Coherence is { } coherence && Volatile.Read(ref coherence.StaleSince) != 0;
    }

    /// <inheritdoc/>
    public Task SynchronizeAsync(string project, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var partition = GetPartition(project);
        return _inv.Watchers.TryGetValue(partition, out var watcher) ? watcher.SynchronizeAsync(cancellationToken) : Task.CompletedTask;
    }

    /// <summary>Gets the invalidation runtime (for tests).</summary>
    internal InvalidationRuntime InvalidationState => _inv;

    /// <summary>Gets a project's partition (for tests).</summary>
    internal Partition PartitionFor(string project) => GetPartition(project);

    /// <summary>Gets the watcher of a project, if any (for tests).</summary>
    internal ProjectWatcher? WatcherFor(string project) => _inv.Watchers.GetValueOrDefault(GetPartition(project));

    /// <summary>Counts of the index structures (for leak tests): trie nodes of a project, dependency targets, tags.</summary>
    internal (int Nodes, int DependencyTargets, int Tags) IndexSizes(string project)
    {
        lock (_store.Lock)
        {
            return (GetPartition(project).Paths.NodeCount, _store.Index.DependencyTargets, _store.Index.TagCount);
        }
    }

    /// <summary>
    /// The <c>cause</c> tag of the invalidation metrics: what triggered it (<c>watcher</c>, <c>overflow</c>,
    /// <c>version_mismatch</c>, ...), or for a caller's explicit request the kind requested (<c>key</c>,
    /// <c>directory</c>, <c>project</c>, ...), like <c>Remove</c> (<c>key</c>) and <c>Clear</c> (<c>clear</c>).
    /// </summary>
    private static string TelemetryCause(InvalidationRequest request) => request.Cause switch
    {
        InvalidationCause.Explicit => request.Kind switch
        {
            InvalidationKind.Key => "key",
            InvalidationKind.Directory => "directory",
            InvalidationKind.Glob => "glob",
            InvalidationKind.Project => "project",
            InvalidationKind.Tag => "tag",
            InvalidationKind.OlderThan => "older_than",
            _ => "custom",
        },
        InvalidationCause.Watcher => "watcher",
        InvalidationCause.Cascade => "cascade",
        InvalidationCause.VersionMismatch => "version_mismatch",
        InvalidationCause.Expiry => "expiry",
        InvalidationCause.Hook => "hook",
        _ => "overflow",
    };

    internal InvalidationResult InvalidateCore(InvalidationRequest request, Partition? partition)
    {
        if (request.Kind == InvalidationKind.Directory && request.Path!.Length > 0 && partition is not null)
        {
            string normalized = PathNormalizer.Normalize(request.Path, partition.Root, partition.IgnoreCase, nameof(request));
            if (!ReferenceEquals(normalized, request.Path))
            {
                var copy = InvalidationRequest.ForDirectory(request.Project!, normalized).With(request.Cause, request.IsDeletion);
                request = request.IsSoft ? copy.AsSoft() : copy;
            }
        }

        IInvalidationStrategy? strategy = null;
        foreach (var candidate in _inv.Strategies)
        {
            if (candidate.CanExpand(request))
            {
                strategy = candidate;
                break;
            }
        }

        if (strategy is null)
        {
            Throw.Argument($"No registered IInvalidationStrategy expands the request ({request}).", nameof(request));
        }

        var counters = _inv.Counters;
        Interlocked.Increment(ref counters.Requests);
        var telemetry = _observer.StartInvalidation(TelemetryCause(request), partition?.Name, fanOut: request.Kind != InvalidationKind.Key);
        var scope = new Scope(this);
        InvalidatingContext? context = null;
        if (_inv.Hooks.Length > 0)
        {
            var planned = new List<FileKey>();
            strategy.Expand(request, scope, planned);
            context = new InvalidatingContext(request, planned);
            foreach (var hook in _inv.Hooks)
            {
                try
                {
                    hook.OnInvalidating(context);
                }
#pragma warning disable CA1031 // A hook is isolated: its failure is counted and logged, and the invalidation goes on.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Interlocked.Increment(ref counters.HookFailures);
                    InvalidationLog.HookFailed(_inv.Logger, ex, hook.GetType().Name, "before", request);
                }
            }

            if (context.RefusedVetoes > 0)
            {
                Interlocked.Add(ref counters.Vetoes, context.RefusedVetoes);
            }

            if (context.VetoReason is { } reason)
            {
                Interlocked.Increment(ref counters.Vetoes);
                _observer.EndInvalidation(telemetry, 0);
                return new InvalidationResult(0, true, reason);
            }
        }

        var invalidated = new List<FileKey>();
        var sink = NewSink();
        lock (_store.Lock)
        {
            // Expand again under the lock: an entry inserted after the hooks' preview is still caught.
            var keys = new List<FileKey>();
            strategy.Expand(request, scope, keys);
            if (partition is not null)
            {
                partition.Counters.Invalidations++;
                if (request.Kind == InvalidationKind.Project && !request.IsSoft)
                {
                    // Loads of the project that started before now compare generations at insert time.
                    partition.Generation++;
                }
            }

            var work = new Queue<(FileKey Key, InvalidationCause Cause)>(keys.Count);
            foreach (var key in keys)
            {
                work.Enqueue((key, request.Cause));
            }

            if (context is not null)
            {
                foreach (var key in context.Added)
                {
                    work.Enqueue((key, InvalidationCause.Hook));
                }
            }

            // Breadth-first over the dependants; the visited set makes cycles terminate.
            var visited = new HashSet<FileKey>();
            var dependants = new List<CacheEntry>();
            while (work.TryDequeue(out var item))
            {
                if (!visited.Add(item.Key))
                {
                    continue;
                }

                if (InvalidateKeyLocked(item.Key, item.Cause, request.IsSoft, sink))
                {
                    invalidated.Add(item.Key);
                }

                dependants.Clear();
                _store.Index.CollectDependants(item.Key, dependants);
                foreach (var dependant in dependants)
                {
                    work.Enqueue((dependant.Key, InvalidationCause.Cascade));
                }
            }

            FenceLoadsLocked(request, strategy, partition, visited);
        }

        _observer.EndInvalidation(telemetry, invalidated.Count);
        Raise(sink);
        foreach (var hook in _inv.Hooks)
        {
            try
            {
                hook.OnInvalidated(request, invalidated);
            }
#pragma warning disable CA1031 // See above.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref counters.HookFailures);
                InvalidationLog.HookFailed(_inv.Logger, ex, hook.GetType().Name, "after", request);
            }
        }

        return new InvalidationResult(invalidated.Count, false, null);
    }

    /// <summary>After <c>Remove</c> of a key: its dependants go too (transitively; cycles terminate). Caller holds the store lock.</summary>
    private void CascadeLocked(in FileKey key, bool removed, RemovalSink sink)
    {
        if (removed)
        {
            _inv.Counters.Count(InvalidationCause.Explicit);
        }

        var visited = new HashSet<FileKey> { key };
        var work = new Queue<FileKey>();
        var dependants = new List<CacheEntry>();
        var current = key;
        while (true)
        {
            dependants.Clear();
            _store.Index.CollectDependants(current, dependants);
            foreach (var dependant in dependants)
            {
                if (visited.Add(dependant.Key))
                {
                    work.Enqueue(dependant.Key);
                }
            }

            if (!work.TryDequeue(out current))
            {
                break;
            }

            InvalidateKeyLocked(current, InvalidationCause.Cascade, soft: false, sink);
        }

        foreach (var partition in _partitions.All)
        {
            foreach (var pair in partition.InFlight)
            {
                if (pair.Value.Options?.Dependencies is { } dependencies && dependencies.Any(visited.Contains))
                {
                    pair.Value.Fenced = true;
                    partition.InFlight.TryRemove(pair);
                }
            }
        }
    }

    /// <summary>Invalidates one key: fences its load under way, then removes its entry or marks it stale. Caller holds the store lock.</summary>
    private bool InvalidateKeyLocked(in FileKey key, InvalidationCause cause, bool soft, RemovalSink sink)
    {
        var partition = _partitions.Find(key.Project, key.ProjectHash);
        if (partition is null)
        {
            return false;
        }

        FenceLoadLocked(partition, key);

        if (!partition.Map.TryGetValue(key, out var entry))
        {
            return false;
        }

        if (!(soft && TryMarkStaleLocked(entry)) && !_store.RemoveEntryLocked(entry, RemovalReason.Invalidated, sink))
        {
            return false;
        }

        _inv.Counters.Count(cause);
        return true;
    }

    /// <summary>
    /// Fences the loads under way that the request covers (by the strategy's match, a tag, or a dependency on an
    /// invalidated key): they return their result to their callers but do not cache it. Caller holds the store lock.
    /// </summary>
    private void FenceLoadsLocked(InvalidationRequest request, IInvalidationStrategy strategy, Partition? target, HashSet<FileKey> invalidated)
    {
        foreach (var partition in _partitions.All)
        {
            if (partition.InFlight.IsEmpty)
            {
                continue;
            }

            bool inScope = target is null || ReferenceEquals(partition, target);
            foreach (var pair in partition.InFlight)
            {
                var load = pair.Value;
                bool fence = inScope && (request.Kind == InvalidationKind.Tag
                    ? load.Options?.Tags?.Contains(request.Tag!) == true
                    : strategy.Matches(request, load.Key));
                if (!fence && load.Options?.Dependencies is { } dependencies)
                {
                    foreach (var dependency in dependencies)
                    {
                        if (invalidated.Contains(dependency))
                        {
                            fence = true;
                            break;
                        }
                    }
                }

                if (fence)
                {
                    load.Fenced = true;
                    partition.InFlight.TryRemove(pair);
                }
            }
        }
    }

    /// <summary>Marks an entry stale (soft invalidation) if it can be reloaded. Caller holds the store lock.</summary>
    private bool TryMarkStaleLocked(CacheEntry entry)
    {
        var coherence = entry.Coherence;
        var refresher = entry.Refresher;
        if (refresher is null && Compression.CompressedFile.TryGetFileMetadata(entry.Value, out _, out _, out _) && entry.Key.Variant is null && entry.Partition.Root is not null)
        {
            refresher = _inv.DiskRefresher ??= new EntryRefresher<CachedFile>(_diskLoader, null);
        }

        if (refresher is null)
        {
            return false;
        }

        if (coherence is null)
        {
            coherence = new EntryCoherence();
            entry.Coherence = coherence;
        }

        entry.Refresher ??= refresher;
        if (Volatile.Read(ref coherence.StaleSince) == 0)
        {
            Volatile.Write(ref coherence.StaleSince, Math.Max(1, _time.GetTimestamp()));
        }

        // Published last: a reader that sees the flag sees the state above.
        Volatile.Write(ref entry.CanExpire, true);
        return true;
    }

    /// <summary>The hit path's check for entries with invalidation state: staleness, then the file's version.</summary>
    private bool CheckCoherence(CacheEntry entry, EntryCoherence coherence)
    {
        if (Volatile.Read(ref coherence.StaleSince) != 0)
        {
            return ServeStale(entry, coherence);
        }

        if (!coherence.ValidateFile)
        {
            return true;
        }

        // Inside the interval this is one field read and a compare: no clock read, no system call.
        long now = _inv.Clock.Now;
        return now < Volatile.Read(ref coherence.NextValidate) || Revalidate(entry, coherence, now);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private bool Revalidate(CacheEntry entry, EntryCoherence coherence, long now)
    {
        Compression.CompressedFile.TryGetFileMetadata(entry.Value, out string fullPath, out FileVersion version, out _);
        if ((!coherence.Racy && FileStat.Matches(fullPath, version)) || IsWritePending(entry.Key))
        {
            Volatile.Write(ref coherence.NextValidate, now + _inv.TrustTicks);
            return true;
        }

        var partition = _partitions.Find(entry.Key.Project, entry.Key.ProjectHash);
        if (partition is not null)
        {
            InvalidateCore(InvalidationRequest.ForKey(entry.Key).With(InvalidationCause.VersionMismatch, deletion: false), partition);
        }

        return false;
    }

    private bool ServeStale(CacheEntry entry, EntryCoherence coherence)
    {
        long now = _time.GetTimestamp();
        if (now - Volatile.Read(ref coherence.StaleSince) >= _inv.MaxStaleTicks)
        {
            // Past the bound readers wait for the fresh value: the entry goes, and a read joins the refresh.
            var sink = NewSink();
            lock (_store.Lock)
            {
                _store.RemoveEntryLocked(entry, RemovalReason.Expired, sink);
            }

            Raise(sink);
            return false;
        }

        Interlocked.Increment(ref _inv.Counters.StaleServed);
        if (now >= Volatile.Read(ref coherence.NextRefreshAt) && Interlocked.CompareExchange(ref coherence.Refreshing, 1, 0) == 0)
        {
            _ = RefreshAsync(entry, coherence);
        }

        return true;
    }

    private async Task RefreshAsync(CacheEntry entry, EntryCoherence coherence)
    {
        try
        {
            // Off the reader's thread: a loader that works synchronously must not delay the stale hit.
            await Task.Yield();
            await entry.Refresher!.RefreshAsync(this, entry.Partition, entry.Key).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed refresh keeps the old value (up to the staleness bound); it is counted and logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // State first, then the counter: whoever sees the failure counted sees the retry schedule too.
            Volatile.Write(ref coherence.NextRefreshAt, _time.GetTimestamp() + _inv.RetryTicks);
            Volatile.Write(ref coherence.Refreshing, 0);
            Interlocked.Increment(ref _inv.Counters.RefreshFailures);
            InvalidationLog.RefreshFailed(_inv.Logger, ex, entry.Key);
            return;
        }

        Volatile.Write(ref coherence.Refreshing, 0);
        Interlocked.Increment(ref _inv.Counters.Refreshes);
    }

    /// <summary>Reloads a key for a background refresh: like a miss, but without returning the (stale) cached value.</summary>
    internal ValueTask<T> ReloadAsync<T>(Partition partition, FileKey key, Func<FileKey, CancellationToken, ValueTask<T>> loader, FileCacheEntryOptions? options) =>
        LoadAsync(partition, key, loader, options, CancellationToken.None, refresh: true);

    /// <summary>Builds the invalidation state of a new entry, or null when it needs none (then it costs nothing).</summary>
    private EntryCoherence? CreateCoherence<T>(Partition partition, in FileKey key, T value, FileCacheEntryOptions? options, LoadOperation? load)
    {
        string[]? tags = options?.Tags is { Count: > 0 } t ? [.. t] : null;
        FileKey[]? dependencies = options?.Dependencies is { Count: > 0 } d ? [.. d] : null;
        var file = value as CachedFile;
        bool validate = _inv.ValidateOnRead && file is not null && partition.Root is not null && key.Variant is null;
        if (tags is null && dependencies is null && !validate)
        {
            return null;
        }

        var coherence = new EntryCoherence { Tags = tags, Dependencies = dependencies, ValidateFile = validate };
        if (validate)
        {
            coherence.Racy = file!.WrittenJustBeforeRead;

            // Trusted from when the read started, not when it finished: a slow read is checked sooner.
            coherence.NextValidate = (load?.StartedAt ?? _inv.Clock.Now) + _inv.TrustTicks;
        }

        return coherence;
    }

    private static void ValidateCoherenceOptions(FileCacheEntryOptions? options)
    {
        if (options?.Tags is { } tags)
        {
            foreach (string tag in tags)
            {
                if (string.IsNullOrEmpty(tag))
                {
                    Throw.Argument("FileCacheEntryOptions.Tags must not contain null or empty tags.", nameof(options));
                }
            }
        }

        if (options?.Dependencies is { } dependencies)
        {
            foreach (var dependency in dependencies)
            {
                if (dependency.IsDefault)
                {
                    Throw.Argument("FileCacheEntryOptions.Dependencies must not contain default keys; create keys with IFileCache.CreateKey.", nameof(options));
                }
            }
        }
    }

    /// <summary>
    /// True when a disk read under way started too long ago to be joined under ValidateOnRead: its bytes may predate the
    /// last check. With an interval of zero loads are always joined (otherwise every concurrent reader would fence
    /// the previous one's load and nothing would ever be cached).
    /// </summary>
    private bool IsTooOldToJoin(LoadOperation load) =>
        _inv.ValidateOnRead && _inv.TrustTicks >= 0 && load.Refresher is null && load.Key.Variant is null
        && _inv.Clock.Now - load.StartedAt > _inv.TrustTicks;

    private void StartWatching(Partition partition)
    {
        if (!_inv.Watch || partition.Root is null)
        {
            return;
        }

        var watcher = new ProjectWatcher(this, partition, _inv, _time);
        if (_inv.Watchers.TryAdd(partition, watcher))
        {
            watcher.Start();
        }
    }

    private void StopWatching(Partition partition)
    {
        if (_inv.Watchers.TryRemove(partition, out var watcher))
        {
            watcher.Dispose();
        }
    }

    /// <summary>Applies a debounced batch of watcher changes; many changes under one directory collapse into one directory invalidation.</summary>
    internal void ApplyWatcherChanges(Partition partition, IReadOnlyList<WatcherChange> changes)
    {
        if (_disposed || partition.Removed)
        {
            return;
        }

        var paths = new Dictionary<string, bool>(partition.Paths.Comparer);
        foreach (var change in changes)
        {
            paths[change.Path] = change.Deletion || (paths.TryGetValue(change.Path, out bool deleted) && deleted);
        }

        if (paths.Count >= _inv.StormThreshold)
        {
            var byDirectory = new Dictionary<string, List<string>>(partition.Paths.Comparer);
            foreach (string path in paths.Keys)
            {
                int slash = path.LastIndexOf('/');
                string directory = slash < 0 ? string.Empty : path[..slash];
                if (!byDirectory.TryGetValue(directory, out var members))
                {
                    byDirectory[directory] = members = [];
                }

                members.Add(path);
            }

            foreach (var (directory, members) in byDirectory)
            {
                if (members.Count < _inv.StormThreshold)
                {
                    continue;
                }

                bool deletion = false;
                foreach (string member in members)
                {
                    deletion |= paths[member];
                    paths.Remove(member);
                }

                Interlocked.Increment(ref _inv.Counters.Storms);
                InvalidateCore(InvalidationRequest.ForDirectory(partition.Name, directory).With(InvalidationCause.Watcher, deletion), partition);
            }
        }

        foreach (var (path, deletion) in paths)
        {
            if (!deletion && (TryKeepOwnWrite(partition, path) || TryKeepUnchangedFile(partition, path)))
            {
                continue;
            }

            InvalidateCore(InvalidationRequest.ForDirectory(partition.Name, path).With(InvalidationCause.Watcher, deletion), partition);
        }
    }

    /// <summary>
    /// With <see cref="InvalidationOptions.ComputeContentHash"/>: a file reported changed (by the watcher or a poll) that
    /// still holds the bytes cached — touched, or rewritten identically, as branch switches and builds often do — keeps
    /// its entry and everything derived from it. The file is read again; only if the new bytes hash like the cached
    /// ones does the fresh read (new version, same bytes) replace the entry, without a cascade. Loads of the key under
    /// way are fenced as for an invalidation (one may have captured a write half done). Any doubt (no hash, a read
    /// error, a directory, a stale entry) answers false: the caller invalidates.
    /// </summary>
    private bool TryKeepUnchangedFile(Partition partition, string path)
    {
        if (!_inv.ComputeContentHash || partition.Root is null)
        {
            return false;
        }

        var key = new FileKey(partition.Name, partition.NameHash, path, null, partition.IgnoreCase);
        if (!partition.Map.TryGetValue(key, out var entry)
            || !Compression.CompressedFile.TryGetFileMetadata(entry.Value, out string fullPath, out FileVersion cached, out _)
            || cached.ContentHash is not { } hash
            || (entry.Coherence is { } coherence && Volatile.Read(ref coherence.StaleSince) != 0))
        {
            return false;
        }

        // The re-read is trusted from when it started (like a load), and a project invalidation meanwhile refuses it.
        var reread = new LoadOperation<CachedFile>(partition, key, Volatile.Read(ref partition.Generation)) { StartedAt = _inv.Clock.Now };
        CachedFile fresh;
        try
        {
            // On the watcher's batch or a poll, never on a reader's path. Read on this thread: the batch may be applied
            // on the watcher's own thread, which must not wait for the thread pool.
            var read = PhysicalFileReader.ReadAsync(fullPath, partition.Root, CancellationToken.None, synchronous: true);
            var (content, version) = read.IsCompleted ? read.Result : read.AsTask().GetAwaiter().GetResult();
            fresh = NewCachedFile(key, fullPath, content, version);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        if (fresh.Version.ContentHash != hash)
        {
            return false;
        }

        // Only in place of the entry compared: one invalidated or replaced meanwhile (a newer change, a reload) makes the
        // caller invalidate after all. Loads of the key under way are fenced (one may have captured a write half done).
        if (!Insert(partition, key, fresh, options: null, reread, expected: entry))
        {
            return false;
        }

        Interlocked.Increment(ref _inv.Counters.UnchangedKept);
        return true;
    }

    /// <summary>The watcher may have lost events (overflow, error, no sentinel): nothing in the project is vouched for any more.</summary>
    internal void InvalidateLostEvents(Partition partition, Exception exception, bool overflow)
    {
        if (_disposed || partition.Removed)
        {
            return;
        }

        if (overflow)
        {
            Interlocked.Increment(ref _inv.Counters.Overflows);
        }

        InvalidationLog.EventsLost(_inv.Logger, exception, partition.Name);
        InvalidateCore(InvalidationRequest.ForProject(partition.Name).With(InvalidationCause.Overflow, deletion: true), partition);
    }

    internal void OnPollingFallback(Partition partition, Exception exception)
    {
        Interlocked.Increment(ref _inv.Counters.PollingFallbacks);
        InvalidationLog.PollingFallback(_inv.Logger, exception, partition.Name);
    }

    internal void OnWatchingAgain(Partition partition) => InvalidationLog.WatchingAgain(_inv.Logger, partition.Name);

    /// <summary>The polling fallback: stats every cached file of the project and invalidates those that changed.</summary>
    internal void PollFiles(Partition partition)
    {
        if (_disposed || partition.Removed)
        {
            return;
        }

        var entries = new List<CacheEntry>();
        lock (_store.Lock)
        {
            // A load under way may have read a file before a change this poll is about to find (or, for a file
            // that did not exist yet, will never find: nothing is cached to compare). Fence them all.
            foreach (var pair in partition.InFlight)
            {
                pair.Value.Fenced = true;
                partition.InFlight.TryRemove(pair);
            }

            PathIndex.CollectEntries(partition.Paths.Root, entries);
        }

        foreach (var entry in entries)
        {
            if (Compression.CompressedFile.TryGetFileMetadata(entry.Value, out string fullPath, out FileVersion version, out bool writtenJustBeforeRead)
                && entry.Key.Variant is null
                && (writtenJustBeforeRead || !FileStat.Matches(fullPath, version)))
            {
                bool deleted = !File.Exists(fullPath);
                if (!deleted && (TryKeepOwnWrite(partition, entry.Key.Path) || TryKeepUnchangedFile(partition, entry.Key.Path)))
                {
                    continue;
                }

                InvalidateCore(InvalidationRequest.ForDirectory(partition.Name, entry.Key.Path).With(InvalidationCause.Watcher, deleted), partition);
            }
        }
    }

    private InvalidationStatistics InvalidationSnapshot()
    {
        long expired;
        lock (_store.Lock)
        {
            expired = _store.Index.Expired;
        }

        return _inv.Counters.Snapshot(expired);
    }

    /// <summary>The <see cref="IInvalidationScope"/> strategies see: snapshots taken under the store lock (re-entrant).</summary>
    private sealed class Scope(DefaultFileCache cache) : IInvalidationScope
    {
        public IReadOnlyList<FileKey> KeysUnder(string project, string directory)
        {
            ArgumentNullException.ThrowIfNull(project);
            ArgumentNullException.ThrowIfNull(directory);
            var keys = new List<FileKey>();
            var partition = cache._partitions.Find(project, Partition.HashName(project));
            if (partition is null)
            {
                return keys;
            }

            lock (cache._store.Lock)
            {
                partition.Paths.CollectUnder(directory, keys);
            }

            return keys;
        }

        public IReadOnlyList<FileKey> KeysTagged(string tag)
        {
            ArgumentNullException.ThrowIfNull(tag);
            var keys = new List<FileKey>();
            lock (cache._store.Lock)
            {
                cache._store.Index.CollectTagged(tag, keys);
            }

            return keys;
        }

        public bool TryGetVersion(in FileKey key, out FileVersion version)
        {
            if (!key.IsDefault && cache._partitions.Find(key.Project, key.ProjectHash) is { } partition
                && partition.Map.TryGetValue(key, out var entry)
                && Compression.CompressedFile.TryGetFileMetadata(entry.Value, out _, out version, out _))
            {
                return true;
            }

            version = default;
            return false;
        }
    }
}
