using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using FileCache.Internal;
using FileCache.Keys;
using FileCache.Loading;
using FileCache.Sources;
using FileCache.Statistics;

namespace FileCache.Storage;

/// <summary>The hit path: no lock, no allocation, no clock read unless the entry can expire.</summary>
internal sealed partial class DefaultFileCache
{
    /// <inheritdoc/>
    public bool TryGetValue(in FileKey key, out object? value)
    {
        if (_disposed)
        {
            Throw.ObjectDisposed();
        }

        if (key.IsDefault)
        {
            Throw.Argument("The key is default; create keys with IFileCache.CreateKey.", nameof(key));
        }

        var partition = _partitions.Find(key.Project, key.ProjectHash);
        if (partition is null)
        {
            value = default;
            return false;
        }

        return TryGetCore(partition, key, out value);
    }

    /// <inheritdoc/>
    public bool TryGetValue(string project, string path, out object? value)
    {
        if (_disposed)
        {
            Throw.ObjectDisposed();
        }

        ArgumentException.ThrowIfNullOrEmpty(project);
        ArgumentNullException.ThrowIfNull(path);
        var partition = _partitions.Find(project);
        if (partition is null)
        {
            value = default;
            return false;
        }

        // Looked up as given first: every key in the map is canonical, and normalizing a canonical path returns it
        // unchanged, so a path equal to a mapped key's is that key's normalized form (under an ignore-case project
        // too: '/', '.', '\\' and NUL have no other case). A hit skips the normalizer's scan; a miss pays it, and a second
        // lookup only when normalizing changed the path.
        if (path.Length == 0 || !partition.Map.TryGetFileByPath(path, FileKey.ComputeHash(partition.NameHash, path, null, partition.IgnoreCase), out var entry))
        {
            string normalized = PathNormalizer.Normalize(path, partition.Root, partition.IgnoreCase, nameof(path));
            entry = null;
            if (!ReferenceEquals(normalized, path))
            {
                partition.Map.TryGetValue(new FileKey(partition.Name, partition.NameHash, normalized, null, partition.IgnoreCase), out entry);
            }
        }

        return TryGetFound(partition, entry, out value);
    }

    /// <inheritdoc/>
    public ValueTask<CachedFile> ReadAsync(string project, string path, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var partition = GetPartition(project);
        string normalized = PathNormalizer.Normalize(path, partition.Root, partition.IgnoreCase, nameof(path));
        return ReadCore(partition, new FileKey(partition.Name, partition.NameHash, normalized, null, partition.IgnoreCase), cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<CachedFile> ReadAsync(FileKey key, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var partition = GetPartition(key, nameof(key));
        if (key.Variant is not null)
        {
            Throw.Argument("A key with a variant names derived data, not a file: use GetOrAddAsync for it.", nameof(key));
        }

        return ReadCore(partition, key, cancellationToken);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryGetCore<T>(Partition partition, in FileKey key, [MaybeNullWhen(false)] out T value)
    {
        // Under a distributed read lease (TrustUntil), one coarse clock read while the lease holds; past it, this read checks.
        if (partition.Map.TryGetValue(key, out var entry))
        {
            return TryGetFound(partition, entry, out value);
        }

        partition.Counters.Misses.Increment();
        value = default;
        return false;
    }

    /// <summary>The rest of a lookup: a hit when it found an <paramref name="entry"/> that is trusted, live and a <typeparamref name="T"/>, else a miss.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryGetFound<T>(Partition partition, CacheEntry? entry, [MaybeNullWhen(false)] out T value)
    {
        if (entry is not null && Trusted(entry))
        {
            // A compressed file is stored as an internal CompressedFile: never hand that out, even to
            // TryGetValue (T = object); one method-table compare on the hit path.
            if (entry.Value is T found && found is not Compression.CompressedFile)
            {
                if (!entry.CanExpire || TouchExpiring(entry))
                {
                    if (entry.Hits < CacheEntry.MaxHits)
                    {
                        entry.Hits++;
                    }

                    long hits = partition.Hits.Increment();
                    if (HitSampling.Scramble(hits) < _hitSampleThreshold)
                    {
                        SampleHit(partition, entry, hits);
                    }

                    value = found;
                    return true;
                }
            }
            else if (entry.Value is Compression.CompressedFile && (typeof(T) == typeof(CachedFile) || typeof(T) == typeof(object)))
            {
                return TryGetCompressed(partition, entry, out value);
            }
        }

        partition.Counters.Misses.Increment();
        value = default;
        return false;
    }

    /// <summary>
    /// The slow part of a hit: the entry's invalidation state (stale, or due for a check against the disk), then its
    /// expiration (removes it if it has expired, otherwise renews its sliding window).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TouchExpiring(CacheEntry entry)
    {
        if (entry.Value is MissingFile)
        {
            // A negative entry answers TryReadAsync only; to every other read it is a miss.
            return false;
        }

        if (entry.Coherence is { } coherence && !CheckCoherence(entry, coherence))
        {
            return false;
        }

        if (!entry.HasExpiry)
        {
            return true;
        }

        long now = _time.GetTimestamp();
        if (entry.IsExpired(now))
        {
            var sink = NewSink();
            lock (_store.Lock)
            {
                _store.RemoveEntryLocked(entry, RemovalReason.Expired, sink);
            }

            Raise(sink);
            return false;
        }

        if (entry.SlidingTicks != 0)
        {
            Volatile.Write(ref entry.Expiry!.LastAccess, now);
        }

        if (_refreshAheadTicks != 0)
        {
            MaybeRefreshAhead(entry, now);
        }

        return true;
    }

    private ValueTask<CachedFile> ReadCore(Partition partition, in FileKey key, CancellationToken cancellationToken)
    {
        if (partition.Source is null)
        {
            throw new InvalidOperationException($"Project '{partition.Name}' has no root directory or source: it holds only values set by the caller or produced by loaders.");
        }

        if (TryGetCore(partition, key, out CachedFile? file))
        {
            return new ValueTask<CachedFile>(file!);
        }

        return LoadAsync(partition, key, _diskLoader, null, cancellationToken);
    }

    /// <summary>
    /// The loader of every file miss: runs the load pipeline (stages around the project's source) and wraps its result.
    /// For a source that can watch, the file's change token is registered before the read, so a change during the read
    /// fences this load and a later one invalidates what it cached.
    /// </summary>
    private async ValueTask<CachedFile> LoadFromSourceAsync(FileKey key, CancellationToken cancellationToken)
    {
        var partition = _partitions.Find(key.Project, key.ProjectHash)
            ?? throw new InvalidOperationException($"Project '{key.Project}' was removed while its file was being read.");
        if (TryGetPendingFile(key, out var written))
        {
            // A write-behind not yet flushed: its bytes are newer than the disk's.
            return written;
        }

        var source = partition.Source!;
        if (!partition.IsPhysical)
        {
            WatchSourceFile(partition, source, key.Path);
        }
        else if (!_pipeline.HasUserStages && source is PhysicalFileSource physical)
        {
            // No stages registered: the built-in ones (telemetry, compression, read-through) fused, in the same order,
            // without a context, a delegate or a state machine per stage: a miss costs what it cost before the pipeline.
            string fullPath = Path.Join(physical.Root, key.Path);
            var activity = LoadPipeline.RecordingLoadActivity();
            byte[] content;
            FileVersion version;
            try
            {
                (content, version) = await PhysicalFileReader.ReadAsync(fullPath, physical.Root, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (activity is not null && LoadPipeline.TagFailure(activity, ex))
            {
                throw; // never reached: the filter tags and declines
            }

            var block = _pipeline.TryCompress(content, out bool tried);
            if (activity is not null)
            {
                LoadPipeline.TagResult(activity, LoadPipeline.SourceOrigin, content.Length);
            }

            if (AfterDiskRead is { } pauseDirect)
            {
                await pauseDirect(key).ConfigureAwait(false);
            }

            return WithCompressionAnswer(NewCachedFile(partition, key, fullPath, content, version), key, tried, block);
        }

        var context = new FileLoadContext(key, source, cancellationToken);
        await _pipeline.RunAsync(context).ConfigureAwait(false);
        LoadPipeline.EnsureResult(context);
        if (!context.CacheResult && LoadOperation.Current is { } uncached && uncached.Key.Equals(key))
        {
            // Served, not kept: fenced like a load an invalidation overtook, so the insert refuses it (under the store lock).
            uncached.Fenced = true;
        }

        if (AfterDiskRead is { } pause)
        {
            await pause(key).ConfigureAwait(false);
        }

        var file = NewCachedFile(partition, key, context.Location!, context.Content, context.Version);
        return WithCompressionAnswer(file, key, context.CompressionTried, context.CompressedBlock);
    }

    /// <summary>
    /// Hands the compression stage's answer for <paramref name="file"/> to the insert through the running load, not on
    /// the file (which every entry keeps): the insert stores the block instead of compressing again.
    /// </summary>
    private static CachedFile WithCompressionAnswer(CachedFile file, in FileKey key, bool tried, byte[]? block)
    {
        if (tried && LoadOperation.Current is { } load && load.Key.Equals(key))
        {
            load.CompressionJudged = file;
            load.CompressedBlock = block;
        }

        return file;
    }

    /// <summary>Tests only: awaited after a miss has read its file and before the load completes (a slow read).</summary>
    internal Func<FileKey, ValueTask>? AfterDiskRead { get; set; }

    /// <summary>
    /// The cached form of bytes just read: the version (with its hash if enabled and not given) and when. A file read
    /// from the project's root keeps the root (shared) instead of its full path, which is joined again when asked for.
    /// </summary>
    private CachedFile NewCachedFile(Partition partition, in FileKey key, string fullPath, ReadOnlyMemory<byte> content, FileVersion version)
    {
        if (_inv.ComputeContentHash && version.ContentHash is null)
        {
            version = version with { ContentHash = ContentHasher.Hash(content.Span) };
        }

        // ReadAt follows the cache's TimeProvider (a test's fake clock moves it); whether the file was written within
        // the timestamp resolution of this read is judged by the clock the file system stamps with.
#pragma warning disable RS0030 // The wall clock on purpose: the file system stamps last-write times with it (see Internal/readme.md).
        var wallNow = DateTimeOffset.UtcNow;
#pragma warning restore RS0030
        return new CachedFile(OriginOf(partition, key, fullPath), content, version, _time.GetUtcNow(), FileStat.IsRacy(version, wallNow));
    }

    /// <summary>A file's origin: its project's root, when <paramref name="fullPath"/> is that root joined to the key's path; else the full path itself.</summary>
    internal static FileOrigin OriginOf(Partition partition, in FileKey key, string fullPath) =>
        key.Variant is null && partition.Root is { } root && IsJoinedFrom(fullPath, root, key.Path) ? new FileOrigin(partition.Paths, key) : new FileOrigin(key, fullPath);

    /// <summary>Whether <paramref name="fullPath"/> is exactly what <see cref="FileOrigin.Join"/> makes of the root and path.</summary>
    internal static bool IsJoinedFrom(string fullPath, string root, string path) =>
        fullPath.Length == root.Length + 1 + path.Length
        && fullPath[root.Length] == Path.DirectorySeparatorChar
        && fullPath.StartsWith(root, StringComparison.Ordinal)
        && fullPath.EndsWith(path, StringComparison.Ordinal);
}
