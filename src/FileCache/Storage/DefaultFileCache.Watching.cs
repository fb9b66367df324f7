using FileCache.Internal;
using FileCache.Invalidation;
using FileCache.Keys;
using FileCache.Sources;

namespace FileCache.Storage;

/// <summary>
/// Watching: the watcher's and the poller's batches, turned into requests for the one invalidation path.
/// </summary>
internal sealed partial class DefaultFileCache
{
    private void StartWatching(Partition partition)
    {
        if (!_inv.Watch || partition.Root is null)
        {
            return;
        }

        var watcher = new ProjectWatcher(this, partition, _inv, _time);
        if (!_inv.Watchers.TryAdd(partition, watcher))
        {
            return;
        }

        if (_inv.UsePolling)
        {
            watcher.Start();
            return;
        }

        StartWatcherInBackground(partition, watcher);
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
            fresh = NewCachedFile(partition, entry.Key, fullPath, content, version);
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
            else if (entry.Value is Sources.MissingFile missing && File.Exists(missing.Location))
            {
                // A negative entry whose file now exists: the poll's equivalent of the watcher's "created" event.
                InvalidateCore(InvalidationRequest.ForDirectory(partition.Name, entry.Key.Path).With(InvalidationCause.Watcher, deletion: false), partition);
            }
        }
    }
}
