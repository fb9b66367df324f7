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

    private InvalidationStatistics InvalidationSnapshot()
    {
        long expired;
        lock (_store.Lock)
        {
            expired = _store.Index.Expired;
        }

        return _inv.Counters.Snapshot(expired);
    }

}
