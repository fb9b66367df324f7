using FileCache.Writing;

namespace FileCache.Storage;

/// <summary>The write-behind flusher: timed passes, forced flushes, retries with back-off, conflicts, and the flush on dispose.</summary>
internal sealed partial class DefaultFileCache
{
    /// <summary>A timer tick: flushes what is due. One pass at a time; a tick during a pass makes it run again.</summary>
    private void RunFlushPass()
    {
        Volatile.Write(ref _writing.PassAgain, 1);
        if (Interlocked.CompareExchange(ref _writing.PassRunning, 1, 0) == 0)
        {
            _ = FlushPassAsync();
        }
    }

    private async Task FlushPassAsync()
    {
        while (true)
        {
            try
            {
                bool again;
                do
                {
                    Volatile.Write(ref _writing.PassAgain, 0);

                    // While a writer waits for room, every pending write not in a retry back-off is flushed, due or not.
                    bool urgent = Interlocked.Exchange(ref _writing.DrainRequested, 0) == 1 || _writing.Budget.HasWaiters;
                    long progress = Volatile.Read(ref _writing.Flushed) + Volatile.Read(ref _writing.Conflicts);
                    await FlushPendingAsync(partition: null, force: false, CancellationToken.None, throwOnFailure: false, urgent).ConfigureAwait(false);

                    // Writes that became pending during an urgent pass, after it passed their key, would otherwise wait for
                    // their delay while a writer still waits: go round while the pass made progress and writers wait.
                    again = Volatile.Read(ref _writing.PassAgain) == 1
                        || (urgent && _writing.Budget.HasWaiters && Volatile.Read(ref _writing.Flushed) + Volatile.Read(ref _writing.Conflicts) != progress);
                }
                while (again && !_disposed);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Failures are reported per write; nothing else may escape a background pass.
            }

            Volatile.Write(ref _writing.PassRunning, 0);

            // A tick that came after the last loop test, while this pass still ran, would be lost: take it here.
            if (_disposed || Volatile.Read(ref _writing.PassAgain) == 0 || Interlocked.CompareExchange(ref _writing.PassRunning, 1, 0) != 0)
            {
                break;
            }
        }

        ScheduleNextFlush();
    }

    /// <summary>Sets the timer to the earliest pending write's due time.</summary>
    private void ScheduleNextFlush()
    {
        long next = long.MaxValue;
        foreach (var pair in _writing.States)
        {
            lock (pair.Value)
            {
                if (pair.Value.Pending is { } pending && pending.DueAt < next)
                {
                    next = pending.DueAt;
                }
            }
        }

        if (next != long.MaxValue)
        {
            _writing.Schedule(next);
        }
    }

    /// <summary>
    /// Flushes the pending writes of a project (or all): with <paramref name="force"/> every one, now; otherwise those due.
    /// With <paramref name="throwOnFailure"/>, the failures are thrown together once every write was tried.
    /// </summary>
    private async Task FlushPendingAsync(Partition? partition, bool force, CancellationToken cancellationToken, bool throwOnFailure = true, bool urgent = false)
    {
        List<Exception>? failures = null;
        foreach (var pair in _writing.States)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var state = pair.Value;
            if (partition is not null && !ReferenceEquals(state.Partition, partition))
            {
                continue;
            }

            var failure = await FlushKeyAsync(state, force, urgent, cancellationToken).ConfigureAwait(false);
            if (failure is not null)
            {
                (failures ??= []).Add(failure);
            }
        }

        if (throwOnFailure && failures is not null)
        {
            throw new AggregateException("Some pending writes could not be flushed; those that failed with an I/O error stay pending and are retried.", failures);
        }
    }

    /// <summary>Flushes one key's pending write if any (and, unless forced, if due). Returns the failure, or null.</summary>
    private async Task<Exception?> FlushKeyAsync(KeyWriteState state, bool force, bool urgent, CancellationToken cancellationToken)
    {
        lock (state)
        {
            if (state.Retired || state.Pending is null || !IsDue(state.Pending, force, urgent))
            {
                return null;
            }

            state.Users++;
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
            return WritePending(state, force, urgent);
        }
        finally
        {
            state.Gate.Release();
            ReleaseUser(state);
        }
    }

    /// <summary>Whether a pending write is flushed now: forced, due, or (urgent: a writer waits for room) not in a retry back-off.</summary>
    private bool IsDue(PendingWrite pending, bool force, bool urgent) =>
        force || (urgent && pending.Attempts == 0) || pending.DueAt <= _time.GetTimestamp();

    /// <summary>Writes a key's pending bytes to disk; caller holds the key's gate.</summary>
    private Exception? WritePending(KeyWriteState state, bool force, bool urgent)
    {
        PendingWrite? pending;
        byte[] bytes;
        long seq;
        FileVersion? expected;
        lock (state)
        {
            pending = state.Pending;
            if (pending is null || !IsDue(pending, force, urgent))
            {
                return null;
            }

            (bytes, seq, expected) = (pending.Content, pending.Sequence, pending.Base);
            if (seq < state.DiskSequence)
            {
                // Superseded by a newer write already on disk.
                ClearPending(state);
                return null;
            }
        }

        var partition = state.Partition;

        // Trusted from before the write (like a load): a project invalidation meanwhile refuses the in-place update.
        var update = new LoadOperation<CachedFile>(partition, state.Key, Volatile.Read(ref partition.Generation)) { StartedAt = _inv.Clock.Now };
        FileVersion version;
        try
        {
            version = AtomicFile.Write(state.FullPath, partition.Root!, bytes, _writing.FlushToDisk, checkBase: true, expected, bytes);
        }
        catch (FileWriteConflictException conflict)
        {
            lock (state)
            {
                if (ReferenceEquals(state.Pending, pending))
                {
                    ClearPending(state);
                }

                // The other writer's file wins: drop our bytes from the cache so reads see the disk.
                if (state.CachedSequence == pending.Sequence)
                {
                    RemoveCore(partition, state.Key);
                }
            }

            Interlocked.Increment(ref _writing.Conflicts);
            WriteLog.Conflict(_inv.Logger, conflict, state.Key);
            RaiseWriteFailed(state.Key, conflict, pending.Attempts + 1, willRetry: false);
            return conflict;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            int attempts;
            lock (state)
            {
                attempts = ++pending.Attempts;
                pending.DueAt = _time.GetTimestamp() + _writing.BackOff(attempts);
            }

            Interlocked.Increment(ref _writing.FlushFailures);
            WriteLog.FlushFailed(_inv.Logger, ex, state.Key, attempts);
            RaiseWriteFailed(state.Key, ex, attempts, willRetry: true);
            ScheduleNextFlush();
            return ex;
        }

        Interlocked.Increment(ref _writing.Flushed);
        lock (state)
        {
            state.DiskSequence = Math.Max(state.DiskSequence, seq);
            if (ReferenceEquals(state.Pending, pending) && pending.Sequence == seq)
            {
                ClearPending(state);
                if (state.CachedSequence == seq && partition.Map.TryGetValue(state.Key, out var entry))
                {
                    // The entry keeps its bytes; its version becomes the file's, so checks and echoes match it.
                    Insert(partition, state.Key, NewWrittenFile(state.Key, state.FullPath, bytes, version), options: null, update, expected: entry);
                }
            }
            else if (ReferenceEquals(state.Pending, pending))
            {
                // Newer bytes came while these were written: they are flushed next, expecting the file just written.
                pending.Base = version;
                pending.Attempts = 0;
            }
        }

        return null;
    }

    /// <summary>
    /// A watcher or poll report of a path whose entry holds the cache's own write: kept (an echo) when a write of it is
    /// still pending (a conflicting change is found by the flush), or when the file on disk holds exactly the cached bytes.
    /// </summary>
    private bool TryKeepOwnWrite(Partition partition, string path)
    {
        var key = new FileKey(partition.Name, partition.NameHash, path, null, partition.IgnoreCase);
        if (!partition.Map.TryGetValue(key, out var entry) || !IsWrittenByCache(entry.Value))
        {
            return false;
        }

        if (IsWritePending(key))
        {
            Interlocked.Increment(ref _writing.EchoesIgnored);
            return true;
        }

        Compression.CompressedFile.TryGetFileMetadata(entry.Value, out string fullPath, out FileVersion version, out _);
        if (!Sources.FileStat.Matches(fullPath, version))
        {
            return false;
        }

        // Same length and time; the bytes too (another write within the timestamp's resolution would look the same).
        try
        {
            var read = Sources.PhysicalFileReader.ReadAsync(fullPath, partition.Root!, CancellationToken.None, synchronous: true);
            var (content, _) = read.IsCompleted ? read.Result : read.AsTask().GetAwaiter().GetResult();
            var cached = entry.Value as CachedFile ?? ((Compression.CompressedFile)entry.Value!).ToCachedFile();
            if (!cached.Content.Span.SequenceEqual(content) || !(partition.Map.TryGetValue(key, out var current) && ReferenceEquals(current, entry)))
            {
                return false;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        Interlocked.Increment(ref _writing.EchoesIgnored);
        return true;
    }

    private static bool IsWrittenByCache(object? value) =>
        value is CachedFile { WrittenByCache: true } || value is Compression.CompressedFile { WrittenByCache: true };

    /// <summary>Dispose: flushes what is pending within the configured time; what is left is reported as lost.</summary>
    private void FlushOnDispose()
    {
        if (_writing.States.IsEmpty)
        {
            _writing.Dispose();
            return;
        }

        if (_writing.DisposeFlushTimeout > TimeSpan.Zero)
        {
            try
            {
                // On the pool: file writes are synchronous, and a hung one must not hold this thread past the timeout.
                Task.Run(() => FlushPendingAsync(null, force: true, CancellationToken.None, throwOnFailure: false))
                    .WaitAsync(_writing.DisposeFlushTimeout, _time).GetAwaiter().GetResult();
            }
            catch (TimeoutException)
            {
            }
        }

        _writing.Dispose();
        foreach (var pair in _writing.States)
        {
            PendingWrite? pending;
            lock (pair.Value)
            {
                pending = pair.Value.Pending;
                ClearPending(pair.Value);
            }

            if (pending is not null)
            {
                Interlocked.Increment(ref _writing.Lost);
                var lost = new IOException($"The write of '{pair.Value.FullPath}' was still pending when the cache was disposed; it was not written.");
                WriteLog.Lost(_inv.Logger, lost, pair.Key);
                RaiseWriteFailed(pair.Key, lost, pending.Attempts + 1, willRetry: false);
            }
        }
    }

    private void RaiseWriteFailed(in FileKey key, Exception exception, int attempt, bool willRetry)
    {
        var handler = WriteFailed;
        if (handler is null)
        {
            return;
        }

        try
        {
            handler(this, new FileWriteFailedEventArgs(key, exception, attempt, willRetry));
        }
#pragma warning disable CA1031 // A subscriber's failure must not stop the flusher.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
