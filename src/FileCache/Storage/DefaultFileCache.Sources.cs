using FileCache.Internal;
using FileCache.Keys;
using FileCache.Sources;

namespace FileCache.Storage;

/// <summary>
/// Reads that may find no file (<c>TryReadAsync</c>) and their negative entries, and change tokens of sources that
/// are not a root directory.
/// </summary>
internal sealed partial class DefaultFileCache
{
    /// <inheritdoc/>
    public ValueTask<CachedFile?> TryReadAsync(string project, string path, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var partition = GetPartition(project);
        string normalized = PathNormalizer.Normalize(path, partition.Root, partition.IgnoreCase, nameof(path));
        return TryReadCore(partition, new FileKey(partition.Name, partition.NameHash, normalized, null, partition.IgnoreCase), cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<CachedFile?> TryReadAsync(FileKey key, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var partition = GetPartition(key, nameof(key));
        if (key.Variant is not null)
        {
            Throw.Argument("A key with a variant names derived data, not a file: use GetOrAddAsync for it.", nameof(key));
        }

        return TryReadCore(partition, key, cancellationToken);
    }

    private ValueTask<CachedFile?> TryReadCore(Partition partition, in FileKey key, CancellationToken cancellationToken)
    {
        if (partition.Source is null)
        {
            throw new InvalidOperationException($"Project '{partition.Name}' has no root directory or source: it holds only values set by the caller or produced by loaders.");
        }

        // A negative hit: counted as a hit, no source call. (Only TryReadAsync looks for negative entries.)
        if (partition.Map.TryGetValue(key, out var entry) && entry.Value is MissingFile
            && (!entry.HasExpiry || !entry.IsExpired(_time.GetTimestamp())))
        {
            if (entry.Hits < CacheEntry.MaxHits)
            {
                entry.Hits++;
            }

            partition.Counters.Hits.Increment();
            return default;
        }

        if (TryGetCore(partition, key, out CachedFile? file))
        {
            return new ValueTask<CachedFile?>(file);
        }

        return TryReadMissAsync(partition, key, cancellationToken);
    }

    private async ValueTask<CachedFile?> TryReadMissAsync(Partition partition, FileKey key, CancellationToken cancellationToken)
    {
        try
        {
            return await LoadAsync(partition, key, _diskLoader, null, cancellationToken, rememberMissing: true).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Caches that the file of a failed load does not exist, under the load's fences: an invalidation of the path
    /// meanwhile (the watcher saw it created) refuses the entry. Called before the load leaves the in-flight table.
    /// </summary>
    private void RememberMissingFile(LoadOperation load)
    {
        if (_negativeTtlTicks < 0 || load.Key.Variant is not null)
        {
            return;
        }

        var partition = load.Partition;
        string location = partition.Source is PhysicalFileSource physical ? Path.Join(physical.Root, load.Key.Path) : load.Key.Path;
        var options = _negativeTtlTicks == 0 ? null : new FileCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(_negativeTtlTicks / _ticksPerSecond) };
        Insert(partition, load.Key, new MissingFile(location), options, load);
    }

    /// <summary>
    /// How long a negative entry lives, in timestamp ticks: 0 for "until invalidated" where a watcher or polling will
    /// see the file appear; the validation interval where only checks on read keep entries coherent (a negative entry
    /// has no version to check, so it expires instead); -1 (none are kept) when that interval is zero.
    /// </summary>
    private long NegativeEntryLifetime(Invalidation.InvalidationOptions options)
    {
        if ((options.Mode & Invalidation.ValidationMode.Watch) != 0 || options.Mode == Invalidation.ValidationMode.None)
        {
            return 0;
        }

        return options.ValidationInterval <= TimeSpan.Zero ? -1 : ToTimestampTicks(options.ValidationInterval);
    }

    /// <summary>
    /// Registers the change token of a file of a source that is not a root directory (an <c>IFileProvider</c>, a custom
    /// source), replacing the path's previous registration: when it fires, the path is invalidated as by the watcher.
    /// </summary>
    private void WatchSourceFile(Partition partition, IFileSource source, string path)
    {
        if (!_inv.Watch || source.Watch(path) is not { } token)
        {
            return;
        }

        var registration = token.RegisterChangeCallback(static state => ((SourceWatch)state!).Fired(), new SourceWatch(this, partition, path));
        if (partition.SourceWatches.TryGetValue(path, out var previous))
        {
            previous.Dispose();
        }

        partition.SourceWatches[path] = registration;
    }

    /// <summary>A source's change token fired for a path: the path and everything under it goes, as for a watcher event.</summary>
    private void InvalidateSourceChange(Partition partition, string path) =>
        InvalidateCore(Invalidation.InvalidationRequest.ForDirectory(partition.Name, path).With(Invalidation.InvalidationCause.Watcher, deletion: false), partition);

    private sealed class SourceWatch(DefaultFileCache cache, Partition partition, string path)
    {
        public void Fired()
        {
            partition.SourceWatches.TryRemove(path, out _);
            if (!cache._disposed && !partition.Removed)
            {
                cache.InvalidateSourceChange(partition, path);
            }
        }
    }
}
