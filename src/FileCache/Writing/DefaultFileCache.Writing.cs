using FileCache.Internal;
using FileCache.Keys;
using FileCache.Writing;

namespace FileCache.Storage;

/// <summary>
/// The write path: write-through (disk, then cache) and write-behind (cache now, a flush later), ordered per key.
/// See <c>Internal/readme.md</c>, "Writes to disk".
/// </summary>
internal sealed partial class DefaultFileCache
{
    private readonly WriteRuntime _writing = null!;

    /// <inheritdoc/>
    public event EventHandler<FileWriteFailedEventArgs>? WriteFailed;

    /// <summary>Gets the write runtime (for tests).</summary>
    internal WriteRuntime Writing => _writing;

    /// <inheritdoc/>
    public ValueTask<CachedFile> WriteAsync(string project, string path, ReadOnlyMemory<byte> content, WriteMode mode = WriteMode.WriteThrough, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var partition = GetPartition(project);
        if (mode is not WriteMode.WriteThrough and not WriteMode.WriteBehind)
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown write mode.");
        }

        if (partition.Root is null)
        {
            throw new InvalidOperationException($"Project '{partition.Name}' has no root directory: there is no file to write.");
        }

        string normalized = PathNormalizer.Normalize(path, partition.Root, partition.IgnoreCase, nameof(path));
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<CachedFile>(cancellationToken);
        }

        var key = new FileKey(partition.Name, partition.NameHash, normalized, null, partition.IgnoreCase);
        string fullPath = Path.Join(partition.Root, normalized);

        // The cache keeps the bytes: a copy, so the caller may reuse its buffer at once.
        byte[] bytes = content.ToArray();
        return mode == WriteMode.WriteBehind
            ? WriteBehindAsync(partition, key, fullPath, bytes, cancellationToken)
            : WriteThroughAsync(partition, key, fullPath, bytes, cancellationToken);
    }

    /// <inheritdoc/>
    public Task FlushAsync(string? project = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        Partition? partition = project is null ? null : GetPartition(project);
        return FlushPendingAsync(partition, force: true, cancellationToken);
    }

    /// <summary>
    /// A write-behind: at once when the pending writes have room for it (the usual case, synchronous); otherwise it waits
    /// for flushes to make room, or fails, as <see cref="FileCacheWriteOptions.FullMode"/> says.
    /// </summary>
    private ValueTask<CachedFile> WriteBehindAsync(Partition partition, FileKey key, string fullPath, byte[] bytes, CancellationToken cancellationToken)
    {
        if (TryWriteBehind(partition, key, fullPath, bytes, reserved: false) is { } file)
        {
            return new ValueTask<CachedFile>(file);
        }

        if (_writing.FailWhenFull)
        {
            Interlocked.Increment(ref _writing.Refused);
            var budget = _writing.Budget;
            return ValueTask.FromException<CachedFile>(new FileWriteBehindFullException(fullPath, bytes.Length, budget.Bytes, budget.Files));
        }

        return WriteBehindWhenRoomAsync(partition, key, fullPath, bytes, cancellationToken);
    }

    private async ValueTask<CachedFile> WriteBehindWhenRoomAsync(Partition partition, FileKey key, string fullPath, byte[] bytes, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _writing.Waited);
        var room = _writing.Budget.ReserveAsync(bytes.Length, cancellationToken);
        if (!room.IsCompleted)
        {
            // Flush now what is pending (not what waits out a retry back-off), rather than after the write-behind delay:
            // on the pool, so this caller never runs a disk write its token could not interrupt.
            Volatile.Write(ref _writing.DrainRequested, 1);
            ThreadPool.UnsafeQueueUserWorkItem(static cache => cache.RunFlushPass(), this, preferLocal: false);
        }

        await room.ConfigureAwait(false);
        return TryWriteBehind(partition, key, fullPath, bytes, reserved: true)!;
    }

    /// <summary>
    /// Makes the write pending and puts its bytes in the cache. With <paramref name="reserved"/> the caller already holds
    /// room for its bytes and one file (returned here if it coalesces into a pending write); otherwise room is taken
    /// now, and null is returned (nothing done) when there is none.
    /// </summary>
    private CachedFile? TryWriteBehind(Partition partition, FileKey key, string fullPath, byte[] bytes, bool reserved)
    {
        var budget = _writing.Budget;
        while (true)
        {
            var state = StateFor(partition, key, fullPath);
            CachedFile file;
            long due;
            lock (state)
            {
                if (state.Retired)
                {
                    continue;
                }

                var pending = state.Pending;
                if (!reserved)
                {
                    // Coalescing into a pending write grows the pending bytes by the difference only, and no file.
                    bool fits = pending is null
                        ? budget.TryReserve(bytes.Length, 1)
                        : budget.TryReserve(bytes.Length - (long)pending.Content.Length, 0);
                    if (!fits)
                    {
                        return null;
                    }
                }
                else if (pending is not null)
                {
                    // Room was held for a new file: the older bytes this write replaces give theirs back.
                    budget.Release(pending.Content.Length, 1);
                }

                long seq = ++state.Sequence;

                // Until flushed, the version is provisional: the length, and the cache's clock for the time.
                file = NewWrittenFile(key, fullPath, bytes, new FileVersion(bytes.Length, _time.GetUtcNow()));
                if (pending is not null)
                {
                    // Coalesce: the flush writes only the newest bytes, against the base the first pending write saw.
                    pending.Content = bytes;
                    pending.Sequence = seq;
                    pending.File = file;
                    Interlocked.Increment(ref _writing.Coalesced);
                }
                else
                {
                    state.Pending = new PendingWrite
                    {
                        Content = bytes,
                        Sequence = seq,
                        Base = BaseVersion(partition, key, fullPath),
                        File = file,
                        DueAt = _time.GetTimestamp() + _writing.DelayTicks,
                    };
                }

                // Inside the key's lock: the cache holds the newest write's bytes, whatever the order of racing writers.
                state.CachedSequence = seq;
                CacheWritten(partition, key, file);
                due = state.Pending!.DueAt;
            }

            Interlocked.Increment(ref _writing.WritesBehind);
            _writing.Schedule(due);
            return file;
        }
    }

    /// <summary>Drops a key's pending write (flushed, superseded, in conflict or lost) and gives its room back; caller holds the key's lock.</summary>
    private void ClearPending(KeyWriteState state)
    {
        if (state.Pending is { } pending)
        {
            state.Pending = null;
            _writing.Budget.Release(pending.Content.Length, 1);
        }
    }

    private async ValueTask<CachedFile> WriteThroughAsync(Partition partition, FileKey key, string fullPath, byte[] bytes, CancellationToken cancellationToken)
    {
        KeyWriteState state;
        long seq;
        while (true)
        {
            state = StateFor(partition, key, fullPath);
            lock (state)
            {
                if (state.Retired)
                {
                    continue;
                }

                seq = ++state.Sequence;
                state.Users++;
            }

            break;
        }

        try
        {
            await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            ReleaseUser(state);
            throw;
        }

        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (state)
            {
                if (state.DiskSequence > seq)
                {
                    // A newer write (made after this call began) reached the disk first: these bytes are superseded.
                    Interlocked.Increment(ref _writing.Coalesced);
                    return NewWrittenFile(key, fullPath, bytes, new FileVersion(bytes.Length, _time.GetUtcNow()));
                }
            }

            var version = AtomicFile.Write(fullPath, partition.Root!, bytes, _writing.FlushToDisk, checkBase: false, expected: null, contentForConflict: default);
            var file = NewWrittenFile(key, fullPath, bytes, version);
            lock (state)
            {
                state.DiskSequence = seq;
                // A write-behind made before this call is superseded: its bytes are older than these, now on disk. One
                // made after it expects the file this call wrote (not a conflict with someone else).
                if (state.Pending is { } pending)
                {
                    if (pending.Sequence < seq)
                    {
                        ClearPending(state);
                        Interlocked.Increment(ref _writing.Coalesced);
                    }
                    else
                    {
                        pending.Base = version;
                    }
                }

                // A newer write (behind) may already have put its bytes in the cache: never replace newer with older.
                if (seq > state.CachedSequence)
                {
                    state.CachedSequence = seq;
                    CacheWritten(partition, key, file);
                }
            }

            Interlocked.Increment(ref _writing.WritesThrough);
            return file;
        }
        finally
        {
            state.Gate.Release();
            ReleaseUser(state);
        }
    }

    /// <summary>The live write state of a key (created on first use).</summary>
    private KeyWriteState StateFor(Partition partition, FileKey key, string fullPath) =>
        _writing.States.GetOrAdd(key, static (k, arg) => new KeyWriteState(k, arg.partition, arg.fullPath), (partition, fullPath));

    /// <summary>Drops a key's write state once nothing is pending and no disk writer holds or awaits its gate.</summary>
    private void ReleaseUser(KeyWriteState state)
    {
        lock (state)
        {
            state.Users--;
            if (state.Users == 0 && state.Pending is null && !state.Retired)
            {
                state.Retired = true;
                _writing.States.TryRemove(new KeyValuePair<FileKey, KeyWriteState>(state.Key, state));
            }
        }
    }

    /// <summary>
    /// What a first pending write expects on disk when flushed: the version of the file the cache holds (what the writer
    /// most likely read), or what the disk has now; null when there is no file.
    /// </summary>
    private static FileVersion? BaseVersion(Partition partition, in FileKey key, string fullPath)
    {
        if (partition.Map.TryGetValue(key, out var entry)
            && Compression.CompressedFile.TryGetFileMetadata(entry.Value, out _, out var version, out _))
        {
            return version with { ContentHash = null };
        }

        return AtomicFile.Stat(fullPath);
    }

    private CachedFile NewWrittenFile(in FileKey key, string fullPath, byte[] bytes, FileVersion version)
    {
        if (_inv.ComputeContentHash)
        {
            version = version with { ContentHash = Sources.ContentHasher.Hash(bytes) };
        }

        // Just written: racy by definition (a further write within the timestamp resolution would look the same).
        // Kept as the project's root when the full path joins it (as for a file read), else as the full path.
        var origin = _partitions.Find(key.Project, key.ProjectHash) is { } partition ? OriginOf(partition, key, fullPath) : new FileOrigin(key, fullPath);
        return new CachedFile(origin, bytes, version, _time.GetUtcNow(), writtenJustBeforeRead: true, writtenByCache: true);
    }

    /// <summary>Puts written bytes in the cache, fencing loads of the key under way (they may have read the old file).</summary>
    private void CacheWritten(Partition partition, in FileKey key, CachedFile file)
    {
        if (!Insert(partition, key, file, options: null, load: null, fenceLoad: true))
        {
            // Refused (too large, or disposed): the older bytes must not stay. Reads go to the disk, or to the pending write.
            RemoveCore(partition, key);
        }
    }

    /// <summary>The loader's first look on a miss: a pending write's bytes are newer than the disk's.</summary>
    private bool TryGetPendingFile(in FileKey key, out CachedFile file)
    {
        if (!_writing.States.IsEmpty && _writing.States.TryGetValue(key, out var state))
        {
            lock (state)
            {
                if (state.Pending is { } pending)
                {
                    file = pending.File;
                    return true;
                }
            }
        }

        file = null!;
        return false;
    }

    /// <summary>True when a write of the key is pending (its entry's version is provisional until flushed).</summary>
    private bool IsWritePending(in FileKey key)
    {
        if (_writing.States.IsEmpty || !_writing.States.TryGetValue(key, out var state))
        {
            return false;
        }

        lock (state)
        {
            return state.Pending is not null;
        }
    }
}
