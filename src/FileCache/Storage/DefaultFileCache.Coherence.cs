using FileCache.Internal;
using FileCache.Invalidation;
using FileCache.Keys;
using FileCache.Sources;

namespace FileCache.Storage;

/// <summary>
/// Coherence and soft refresh: stale entries served while one background refresh runs, version checks on read,
/// and the invalidation state of new entries. See <c>Internal/readme.md</c>.
/// </summary>
internal sealed partial class DefaultFileCache
{
    /// <summary>Marks an entry stale (soft invalidation) if it can be reloaded. Caller holds the store lock.</summary>
    private bool TryMarkStaleLocked(CacheEntry entry)
    {
        var coherence = entry.Coherence;
        var refresher = entry.Refresher;
        if (refresher is null && Compression.CompressedFile.TryGetFileMetadata(entry.Value, out _, out _, out _) && entry.Key.Variant is null && entry.Partition.Source is not null)
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
        if (Volatile.Read(ref coherence.Prefetch) is not null)
        {
            NotePrefetchUsed(coherence);
        }

        if (Volatile.Read(ref coherence.StaleSince) != 0)
        {
            return ServeStale(entry, coherence);
        }

        if (!coherence.ValidateFile)
        {
            return true;
        }

        // Well inside the interval this is two field reads and a compare: no clock read, no system call. The coarse
        // clock lags the precise one by up to its margin, so near the deadline the precise clock decides.
        long next = Volatile.Read(ref coherence.NextValidate);
        return _inv.Clock.Now < next - _inv.Clock.Margin || CheckNearDeadline(entry, coherence, next);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private bool CheckNearDeadline(CacheEntry entry, EntryCoherence coherence, long next)
    {
        long now = _inv.Clock.Precise();
        return now < next || Revalidate(entry, coherence, now);
    }

    /// <summary>Stats the file; <paramref name="now"/> is a precise timestamp taken before the stat (the entry is trusted from then).</summary>
    private bool Revalidate(CacheEntry entry, EntryCoherence coherence, long now)
    {
        Compression.CompressedFile.TryGetFileMetadata(entry.Value, out string fullPath, out FileVersion version, out _);
        if (SourceStillMatches(entry, fullPath, version, coherence.Racy))
        {
            if (_verifyEveryRead || !_inv.ValidateOnRead)
            {
                // Demoted (or every read verified) by a distributed layer: see DefaultFileCache.Distribution.cs.
                RestoreTrust(entry, coherence, now);
            }
            else
            {
                Volatile.Write(ref coherence.NextValidate, now + _inv.TrustTicks);
            }

            return true;
        }

        return false;
    }

    /// <summary>
    /// Stats a cached file's source: true if its version still matches (and the read was not racy) or our own write of it
    /// is pending; otherwise invalidates the entry as a version mismatch and returns false.
    /// </summary>
    private bool SourceStillMatches(CacheEntry entry, string fullPath, FileVersion version, bool racy)
    {
        if ((!racy && FileStat.Matches(fullPath, version)) || IsWritePending(entry.Key))
        {
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
    internal ValueTask<T> ReloadAsync<T>(Partition partition, FileKey key, Func<FileKey, CancellationToken, ValueTask<T>>? loader, FileCacheEntryOptions? options, EntryRefresher? refresher = null) =>
        LoadAsync(partition, key, loader, options, CancellationToken.None, refresh: true, refresher);

    /// <summary>Builds the invalidation state of a new entry, or null when it needs none (then it costs nothing).</summary>
    private EntryCoherence? CreateCoherence<T>(Partition partition, in FileKey key, T value, FileCacheEntryOptions? options, LoadOperation? load)
    {
        string[]? tags = options?.Tags is { Count: > 0 } t ? [.. t] : null;
        FileKey[]? dependencies = options?.Dependencies is { Count: > 0 } d ? [.. d] : null;
        var file = value as CachedFile;
        bool verifyAll = _verifyEveryRead;
        bool validate = (_inv.ValidateOnRead || verifyAll) && file is not null && partition.Root is not null && key.Variant is null;
        if (tags is null && dependencies is null && !validate)
        {
            return null;
        }

        var coherence = new EntryCoherence { Tags = tags, Dependencies = dependencies, ValidateFile = validate };
        if (validate)
        {
            coherence.Racy = file!.WrittenJustBeforeRead;

            // Trusted from when the read started, not when it finished: a slow read is checked sooner. While a distributed
            // layer cannot vouch for this node, not at all: the next hit checks.
            coherence.NextValidate = verifyAll ? long.MinValue : (load?.StartedAt ?? _inv.Clock.Now) + _inv.TrustTicks;
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
        && _inv.Clock.Precise() - load.StartedAt >= _inv.TrustTicks;
}
