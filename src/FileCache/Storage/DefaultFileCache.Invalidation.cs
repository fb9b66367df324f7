using FileCache.Internal;
using FileCache.Invalidation;
using FileCache.Keys;
using FileCache.Sources;

namespace FileCache.Storage;

/// <summary>
/// Invalidation: the public entry points (<see cref="InvalidateAsync"/>, <see cref="Invalidate"/>, <c>Remove</c>,
/// <see cref="InvalidateProject"/>, <see cref="Clear"/>; <see cref="RemoveProject"/> in the main file) and the one core
/// path they all take, with strategies, hooks, cascades, load fences and sequence numbers. See <c>Internal/readme.md</c>.
/// </summary>
internal sealed partial class DefaultFileCache
{
    /// <inheritdoc/>
    /// <remarks>
    /// Synchronous and cannot deadlock: the local path runs on the caller's thread to the end, takes only the store
    /// lock (never while running a hook) and never waits for a task, a timer or another thread.
    /// </remarks>
    public InvalidationResult Invalidate(InvalidationRequest request)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(request);
        return InvalidateCore(request, FindTarget(request));
    }

    /// <inheritdoc/>
    public ValueTask<InvalidationResult> InvalidateAsync(InvalidationRequest request, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(request);
        var target = FindTarget(request);

        // Cancellation is honoured until the request is applied; once applied it is reported, never undone.
        return cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled<InvalidationResult>(cancellationToken)
            : CompleteAsync(request, InvalidateCore(request, target), cancellationToken);
    }

    /// <inheritdoc/>
    public bool Remove(in FileKey key)
    {
        ThrowIfDisposed();
        return RemoveCore(GetPartition(key, nameof(key)), key);
    }

    /// <inheritdoc/>
    public bool Remove(string project, string path)
    {
        ThrowIfDisposed();
        var partition = GetPartition(project);
        string normalized = PathNormalizer.Normalize(path, partition.Root, partition.IgnoreCase, nameof(path));
        return RemoveCore(partition, new FileKey(partition.Name, partition.NameHash, normalized, null, partition.IgnoreCase));
    }

    /// <inheritdoc/>
    public int InvalidateProject(string project)
    {
        ThrowIfDisposed();
        var partition = GetPartition(project);
        return InvalidateCore(InvalidationRequest.ForProject(partition.Name), partition).Invalidated;
    }

    /// <inheritdoc/>
    public void Clear()
    {
        ThrowIfDisposed();
        InvalidateCore(InvalidationRequest.ForAll().As(RemovalReason.Removed, "clear"), null);
    }

    private bool RemoveCore(Partition partition, in FileKey key)
    {
        InvalidateCore(InvalidationRequest.ForKey(key).As(RemovalReason.Removed, telemetryName: null), partition, removeProject: false, out bool removed);
        return removed;
    }

    /// <summary>The partition a request applies to (null for one that spans projects); throws for an unknown project.</summary>
    private Partition? FindTarget(InvalidationRequest request)
    {
        if (request.Project is null)
        {
            return null;
        }

        var partition = _partitions.Find(request.Project, Partition.HashName(request.Project));
        if (partition is null)
        {
            Throw.UnknownProject(request.Project, nameof(request));
        }

        return partition;
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
        // While the watch is being set up, nothing read from disk is cached for the project (see StartWatcherInBackground):
        // there is nothing to vouch for, and every read goes to the disk.
        return partition.WatchPending || !_inv.Watchers.TryGetValue(partition, out var watcher) ? Task.CompletedTask : watcher.SynchronizeAsync(cancellationToken);
    }

    /// <summary>
    /// The <c>cause</c> tag of the invalidation metrics: what triggered it (<c>watcher</c>, <c>overflow</c>,
    /// <c>version_mismatch</c>, ...), or for a caller's explicit request the kind requested (<c>key</c>,
    /// <c>directory</c>, <c>project</c>, ...), like <c>Remove</c> (<c>key</c>) and <c>Clear</c> (<c>clear</c>).
    /// </summary>
    private static string TelemetryCause(InvalidationRequest request) => request.Cause switch
    {
        InvalidationCause.Explicit => request switch
        {
            KeyInvalidation => "key",
            DirectoryInvalidation => "directory",
            GlobInvalidation => "glob",
            ProjectInvalidation => "project",
            TagInvalidation => "tag",
            OlderThanInvalidation => "older_than",
            AllInvalidation => "all",
            _ => "custom",
        },
        InvalidationCause.Watcher => "watcher",
        InvalidationCause.Cascade => "cascade",
        InvalidationCause.VersionMismatch => "version_mismatch",
        InvalidationCause.Expiry => "expiry",
        InvalidationCause.Hook => "hook",
        _ => "overflow",
    };

    /// <summary>The one invalidation path (see <c>Internal/readme.md</c>); <paramref name="partition"/> is the request's project, if it names one.</summary>
    internal InvalidationResult InvalidateCore(InvalidationRequest request, Partition? partition, bool removeProject = false) =>
        InvalidateCore(request, partition, removeProject, out _);

    /// <summary>
    /// The one invalidation path: every public removal, the watcher's and the poller's batches, version mismatches
    /// and soft invalidations end here. Expands the request, lets the hooks veto it or add keys, then under the store
    /// lock stamps it with the next sequence number, invalidates the keys and their dependants in every project, and
    /// fences the loads under way that it covers. <paramref name="removeProject"/>: <paramref name="partition"/> has
    /// left the table and goes with all its entries. <paramref name="targetRemoved"/>: a key request's own key was removed.
    /// </summary>
    private InvalidationResult InvalidateCore(InvalidationRequest request, Partition? partition, bool removeProject, out bool targetRemoved)
    {
        targetRemoved = false;
        if (request is DirectoryInvalidation { Directory.Length: > 0 } directory && partition is not null)
        {
            string normalized = PathNormalizer.Normalize(directory.Directory, partition.Root, partition.IgnoreCase, nameof(request));
            if (!ReferenceEquals(normalized, directory.Directory))
            {
                request = directory.WithDirectory(normalized);
            }
        }

        var strategy = FindStrategy(request);
        var counters = _inv.Counters;
        Interlocked.Increment(ref counters.Requests);
        var telemetry = _observer.StartInvalidation(request.TelemetryName ?? TelemetryCause(request), partition?.Name, fanOut: request is not KeyInvalidation);
        var scope = new Scope(this, partition);
        var context = _inv.Hooks.Length > 0 ? RunHooksBefore(request, strategy, scope) : null;
        if (context?.VetoReason is { } reason)
        {
            Interlocked.Increment(ref counters.Vetoes);
            _observer.EndInvalidation(telemetry, 0);
            return new InvalidationResult(0, true, reason, 0);
        }

        var invalidated = new List<FileKey>();
        int leftovers = 0;
        long sequence;
        var sink = NewSink();
        lock (_store.Lock)
        {
            // Expand again under the lock: an entry inserted after the hooks' preview is still caught.
            var keys = new List<FileKey>();
            strategy.Expand(request, scope, keys);
            sequence = counters.Sequence + 1;
            Volatile.Write(ref counters.Sequence, sequence);
            bool whole = !request.IsSoft && request is ProjectInvalidation or AllInvalidation;
            foreach (var affected in partition is null ? (request is AllInvalidation ? _partitions.All : []) : [partition])
            {
                affected.Counters.Invalidations++;
                if (whole)
                {
                    // Loads of the project that started before now compare generations at insert time.
                    affected.Generation++;
                }
            }

            if (removeProject)
            {
                partition!.Removed = true;
            }

            var work = new Queue<(FileKey Key, InvalidationCause Cause, RemovalReason Reason)>(keys.Count);
            foreach (var key in keys)
            {
                work.Enqueue((key, request.Cause, request.Reason));
            }

            if (context is not null)
            {
                foreach (var key in context.Added)
                {
                    work.Enqueue((key, InvalidationCause.Hook, RemovalReason.Invalidated));
                }
            }

            // Breadth-first over the dependants, in any project; the visited set makes cycles terminate.
            var visited = new HashSet<FileKey>();
            var dependants = new List<CacheEntry>();
            while (work.TryDequeue(out var item))
            {
                if (!visited.Add(item.Key))
                {
                    continue;
                }

                if (InvalidateKeyLocked(item.Key, item.Cause, request.IsSoft, item.Reason, partition, sink))
                {
                    invalidated.Add(item.Key);
                    targetRemoved |= request is KeyInvalidation target && item.Key == target.Key;
                }

                dependants.Clear();
                _store.Index.CollectDependants(item.Key, dependants);
                foreach (var dependant in dependants)
                {
                    work.Enqueue((dependant.Key, InvalidationCause.Cascade, RemovalReason.Invalidated));
                }
            }

            FenceLoadsLocked(request, strategy, partition, visited);
            if (removeProject)
            {
                // The partition has left the table, so the fence above did not see it; nothing of it stays.
                foreach (var load in partition!.InFlight)
                {
                    load.Value.Fenced = true;
                }

                partition.InFlight.Clear();
                leftovers = _store.RemoveAllLocked(partition, request.Reason, sink);
            }
        }

        _observer.EndInvalidation(telemetry, invalidated.Count + leftovers);
        Raise(sink);
        RunHooksAfter(request, invalidated);
        var result = new InvalidationResult(invalidated.Count + leftovers, false, null, sequence);
        Publish(request, result);
        return result;
    }

    private IInvalidationStrategy FindStrategy(InvalidationRequest request)
    {
        foreach (var candidate in _inv.Strategies)
        {
            if (candidate.CanExpand(request))
            {
                return candidate;
            }
        }

        Throw.Argument($"No registered IInvalidationStrategy expands the request ({request}).", nameof(request));
        return null!;
    }

    /// <summary>Runs the hooks' "before" calls on a preview of the keys (outside the store lock): they may add keys or veto.</summary>
    private InvalidatingContext RunHooksBefore(InvalidationRequest request, IInvalidationStrategy strategy, Scope scope)
    {
        var planned = new List<FileKey>();
        strategy.Expand(request, scope, planned);
        var context = new InvalidatingContext(request, planned);
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
                Interlocked.Increment(ref _inv.Counters.HookFailures);
                InvalidationLog.HookFailed(_inv.Logger, ex, hook.GetType().Name, "before", request);
            }
        }

        if (context.RefusedVetoes > 0)
        {
            Interlocked.Add(ref _inv.Counters.Vetoes, context.RefusedVetoes);
        }

        return context;
    }

    /// <summary>Runs the hooks' "after" calls with the keys invalidated (outside the store lock).</summary>
    private void RunHooksAfter(InvalidationRequest request, List<FileKey> invalidated)
    {
        foreach (var hook in _inv.Hooks)
        {
            try
            {
                hook.OnInvalidated(request, invalidated);
            }
#pragma warning disable CA1031 // See RunHooksBefore.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref _inv.Counters.HookFailures);
                InvalidationLog.HookFailed(_inv.Logger, ex, hook.GetType().Name, "after", request);
            }
        }
    }

    /// <summary>
    /// After <c>Set</c> replaced the value of <paramref name="key"/>: its dependants go (transitively, in any project;
    /// cycles terminate), and loads under way that depend on any of them are fenced. Caller holds the store lock.
    /// </summary>
    private void CascadeLocked(in FileKey key, RemovalSink sink)
    {
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

            InvalidateKeyLocked(current, InvalidationCause.Cascade, soft: false, RemovalReason.Invalidated, target: null, sink);
        }

        FenceDependentLoadsLocked(visited);
    }

    /// <summary>Invalidates one key: fences its load under way, then removes its entry or marks it stale. Caller holds the store lock.</summary>
    private bool InvalidateKeyLocked(in FileKey key, InvalidationCause cause, bool soft, RemovalReason reason, Partition? target, RemovalSink sink)
    {
        // The request's own partition first: a project being removed has already left the table.
        var partition = target is not null && string.Equals(target.Name, key.Project, StringComparison.Ordinal) ? target : _partitions.Find(key.Project, key.ProjectHash);
        if (partition is null)
        {
            return false;
        }

        FenceLoadLocked(partition, key);

        if (!partition.Map.TryGetValue(key, out var entry))
        {
            return false;
        }

        if (!(soft && TryMarkStaleLocked(entry)) && !_store.RemoveEntryLocked(entry, reason, sink))
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
        // The request's own scope: one project's loads, or every project's for a request without one. Loads that
        // depend on an invalidated key, wherever they are, come from the dependent-load set (not a walk of every project).
        foreach (var partition in target is null ? _partitions.All : [target])
        {
            if (partition.InFlight.IsEmpty)
            {
                continue;
            }

            foreach (var pair in partition.InFlight)
            {
                var load = pair.Value;
                if (strategy.Matches(request, load.Key, load.Options?.Tags))
                {
                    load.Fenced = true;
                    partition.InFlight.TryRemove(pair);
                }
            }
        }

        FenceDependentLoadsLocked(invalidated);
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
