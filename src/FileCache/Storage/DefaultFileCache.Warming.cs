using FileCache.Compression;
using FileCache.Sources;
using FileCache.Warming;

namespace FileCache.Storage;

/// <summary>
/// What warming needs from the engine: the hot set of a project, a warming read that counts no hit or miss, the room left
/// in the budget, prefetch marks, and refresh-ahead on the hit path's slow branch. See <c>Warming/readme.md</c>.
/// </summary>
internal sealed partial class DefaultFileCache : IWarmableCache
{
    /// <summary>Refresh-ahead window in timestamp units; 0 when off.</summary>
    private readonly long _refreshAheadTicks;

    /// <inheritdoc/>
    public HotSet TakeHotSet(string project, int maxEntries)
    {
        ThrowIfDisposed();
        var partition = GetPartition(project);
        var ranked = new List<(double Rank, HotSetEntry Entry)>();
        lock (_store.Lock)
        {
            foreach (var entry in partition.Map.Entries())
            {
                if (!entry.Linked || entry.Value is MissingFile || (entry.Coherence is { } c && Volatile.Read(ref c.StaleSince) != 0))
                {
                    continue;
                }

                // The policy's view of heat: TinyLFU's sketch (after folding pending hits), a bonus for the protected
                // segment; CLOCK has only the hits since the evictor last looked.
                double rank = entry.Hits;
                if (_store.Policy is { } policy)
                {
                    rank = policy.FrequencyOf(entry) + (entry.Segment == Eviction.TinyLfuPolicy.Protected ? 16 : 0);
                }

                FileVersion? version = null;
                if (entry.Key.Variant is null)
                {
                    if (!CompressedFile.TryGetFileMetadata(entry.Value, out _, out var fileVersion, out _))
                    {
                        continue; // a value set under a file's key by the caller: nothing to reread
                    }

                    version = fileVersion;
                }

                var dependencies = entry.Coherence?.Dependencies is { Length: > 0 } deps
                    ? Array.ConvertAll(deps, d => new HotSetDependency(d.Project, d.Path, d.Variant))
                    : [];
                ranked.Add((rank, new HotSetEntry(entry.Key.Path, entry.Key.Variant, version, rank, entry.Size, dependencies)));
            }
        }

        // Hottest first; files before their derived data at equal heat.
        ranked.Sort(static (a, b) => b.Rank != a.Rank ? b.Rank.CompareTo(a.Rank) : (a.Entry.Variant is null ? 0 : 1).CompareTo(b.Entry.Variant is null ? 0 : 1));
        if (ranked.Count > maxEntries)
        {
            ranked.RemoveRange(maxEntries, ranked.Count - maxEntries);
        }

        return new HotSet(partition.Name, _time.GetUtcNow(), ranked.ConvertAll(r => r.Entry));
    }

    /// <inheritdoc/>
    public async ValueTask<(WarmOutcome Outcome, long Bytes)> WarmFileAsync(FileKey key, FileVersion? expected, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        var partition = GetPartition(key, nameof(key));
        if (partition.Source is null || key.Variant is not null)
        {
            return (WarmOutcome.Failed, 0);
        }

        if (partition.Map.ContainsKey(key))
        {
            return (WarmOutcome.AlreadyCached, 0);
        }

        try
        {
            if (expected is { } hot)
            {
                var now = await partition.Source.GetVersionAsync(key.Path, cancellationToken).ConfigureAwait(false);
                if (now is not { } current || current.Length != hot.Length || current.LastWriteTimeUtc != hot.LastWriteTimeUtc)
                {
                    return (WarmOutcome.Changed, 0);
                }
            }

            // The load itself, not ReadAsync: a warming read is neither a hit nor a miss of the callers.
            var file = await LoadAsync(partition, key, _diskLoader, null, cancellationToken).ConfigureAwait(false);
            bool kept = partition.Map.TryGetValue(key, out var entry) && entry.Linked;
            return (kept ? WarmOutcome.Loaded : WarmOutcome.Refused, file.Length);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            return (WarmOutcome.Failed, 0);
        }
    }

    /// <inheritdoc/>
    public bool HasRoomFor(long bytes) => _store.Bytes + bytes + EntryOverhead <= _store.EffectiveBudget;

    /// <inheritdoc/>
    public bool MarkPrefetched(PrefetchRecord record)
    {
        var partition = _partitions.Find(record.Key.Project, record.Key.ProjectHash);
        if (partition is null)
        {
            return false;
        }

        lock (_store.Lock)
        {
            if (!partition.Map.TryGetValue(record.Key, out var entry) || !entry.Linked)
            {
                return false;
            }

            var coherence = entry.Coherence ??= new Invalidation.EntryCoherence();
            Volatile.Write(ref coherence.Prefetch, record);
            record.Entry = entry;

            // Published last: a hit that sees the flag takes the slow branch, which reports the first read.
            Volatile.Write(ref entry.CanExpire, true);
            return true;
        }
    }

    /// <summary>The slow branch of a hit on a prefetched entry: the first read settles the prefetch as used.</summary>
    private static void NotePrefetchUsed(Invalidation.EntryCoherence coherence)
    {
        if (Interlocked.Exchange(ref coherence.Prefetch, null) is { } record)
        {
            Volatile.Write(ref record.Used, 1);
        }
    }

    /// <summary>
    /// Refresh-ahead: a read of an entry within the window before its absolute expiration starts one background reload
    /// (the soft-refresh path), so a hot entry is replaced before it expires. At most one per entry: the new entry has
    /// its own flag; a failed reload is not retried (the entry expires and the next read loads it).
    /// </summary>
    private void MaybeRefreshAhead(CacheEntry entry, long now)
    {
        if (entry.Expiry is not { } expiry || expiry.AbsoluteExpiresAt == long.MaxValue
            || expiry.AbsoluteExpiresAt - now > _refreshAheadTicks || Volatile.Read(ref expiry.RefreshAheadStarted) != 0)
        {
            return;
        }

        var refresher = entry.Refresher;
        if (refresher is null && entry.Key.Variant is null && entry.Partition.Source is not null && CompressedFile.TryGetFileMetadata(entry.Value, out _, out _, out _))
        {
            refresher = _inv.DiskRefresher ??= new Invalidation.EntryRefresher<CachedFile>(_diskLoader, null);
        }

        if (refresher is null || Interlocked.CompareExchange(ref expiry.RefreshAheadStarted, 1, 0) != 0)
        {
            return;
        }

        _ = RefreshAheadAsync(entry, refresher);
    }

    private async Task RefreshAheadAsync(CacheEntry entry, Invalidation.EntryRefresher refresher)
    {
        try
        {
            await Task.Yield(); // off the reader's thread
            await refresher.RefreshAsync(this, entry.Partition, entry.Key).ConfigureAwait(false);
            Interlocked.Increment(ref _inv.Counters.Refreshes);
        }
#pragma warning disable CA1031 // A failed refresh-ahead changes nothing: the entry expires as it would have.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _inv.Counters.RefreshFailures);
            Invalidation.InvalidationLog.RefreshFailed(_inv.Logger, ex, entry.Key);
        }
    }
}
