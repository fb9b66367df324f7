namespace FileCache.Writing;

/// <summary>
/// The back-pressure of write-behind: the bytes and files of writes not yet flushed, against
/// <see cref="FileCacheWriteOptions.MaxPendingBytes"/> and <see cref="FileCacheWriteOptions.MaxPendingFiles"/>.
/// A write reserves its share before it becomes pending and the share is released when the write leaves the pending
/// state (flushed, superseded, coalesced into a newer write, given up). A write that does not fit waits in a FIFO
/// queue (no barging: a small write does not overtake a large one that waits) until releases make room.
/// </summary>
/// <remarks>
/// When nothing at all is reserved, any write fits, even one larger than the bound: it goes alone (otherwise it could
/// never be written behind). So the bytes reserved never exceed the larger of the bound and the largest single write.
/// The lock is a leaf: it is taken under a key's write-state lock, never the other way round; waiters' tasks run their
/// continuations asynchronously, so no caller's code runs under it.
/// </remarks>
internal sealed class PendingBudget
{
    private readonly object _lock = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private long _bytes;
    private long _files;
    private bool _disposed;

    public PendingBudget(long maxBytes, long maxFiles)
    {
        MaxBytes = maxBytes;
        MaxFiles = maxFiles;
    }

    /// <summary>Gets the bound on bytes (<see cref="long.MaxValue"/>: none).</summary>
    public long MaxBytes { get; }

    /// <summary>Gets the bound on files (<see cref="long.MaxValue"/>: none).</summary>
    public long MaxFiles { get; }

    /// <summary>Gets the bytes reserved now: pending writes (and writes about to become pending).</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Gets the files reserved now.</summary>
    public long Files => Volatile.Read(ref _files);

    /// <summary>Gets a value indicating whether a writer waits for room.</summary>
    public bool HasWaiters
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Count > 0;
            }
        }
    }

    /// <summary>Gets the highest <see cref="Bytes"/> ever reserved (for tests and statistics).</summary>
    public long PeakBytes { get; private set; }

    /// <summary>
    /// Reserves a change of <paramref name="bytes"/> and <paramref name="files"/> now if it fits and nobody waits ahead
    /// (a change that grows nothing always fits). Returns false, reserving nothing, otherwise.
    /// </summary>
    public bool TryReserve(long bytes, long files)
    {
        lock (_lock)
        {
            if (bytes <= 0 && files <= 0)
            {
                Apply(bytes, files);
                GrantWaiters();
                return true;
            }

            if (_waiters.Count > 0 || !Fits(bytes, files))
            {
                return false;
            }

            Apply(bytes, files);
            return true;
        }
    }

    /// <summary>Reserves <paramref name="bytes"/> and one file once there is room, in arrival order.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first (nothing reserved).</exception>
    /// <exception cref="ObjectDisposedException">The cache was disposed first (nothing reserved).</exception>
    public Task ReserveAsync(long bytes, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_waiters.Count == 0 && Fits(bytes, 1))
            {
                Apply(bytes, 1);
                return Task.CompletedTask;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return Task.FromCanceled(cancellationToken);
            }

            waiter = new Waiter(bytes);
            waiter.Node = _waiters.AddLast(waiter);
        }

        return cancellationToken.CanBeCanceled ? WaitAsync(waiter, cancellationToken) : waiter.Task;
    }

    /// <summary>Returns a share: a write left the pending state (or a reservation went unused).</summary>
    public void Release(long bytes, long files)
    {
        lock (_lock)
        {
            Apply(-bytes, -files);
            GrantWaiters();
        }
    }

    /// <summary>Fails every waiter (the cache is being disposed) and refuses further waits.</summary>
    public void Dispose()
    {
        List<Waiter> failed;
        lock (_lock)
        {
            _disposed = true;
            failed = [.. _waiters];
            _waiters.Clear();
        }

        foreach (var waiter in failed)
        {
            waiter.TrySetException(new ObjectDisposedException(nameof(IFileCache), "The cache was disposed while a write-behind waited for room among the pending writes."));
        }
    }

    private bool Fits(long bytes, long files) =>
        (_bytes == 0 && _files == 0) || (_bytes + bytes <= MaxBytes && _files + files <= MaxFiles);

    private void Apply(long bytes, long files)
    {
        // Written under the lock; read without it (Volatile) by statistics and the gauges.
        Volatile.Write(ref _bytes, _bytes + bytes);
        Volatile.Write(ref _files, _files + files);
        if (_bytes > PeakBytes)
        {
            PeakBytes = _bytes;
        }
    }

    /// <summary>Grants waiters from the head while they fit; caller holds the lock.</summary>
    private void GrantWaiters()
    {
        while (_waiters.First is { } first && Fits(first.Value.Bytes, 1))
        {
            var waiter = first.Value;
            _waiters.RemoveFirst();
            waiter.Node = null;
            Apply(waiter.Bytes, 1);
            waiter.TrySetResult();
        }
    }

    private async Task WaitAsync(Waiter waiter, CancellationToken cancellationToken)
    {
        // Registered outside the lock (a token cancelled meanwhile runs the callback at once, and that takes the lock);
        // disposed once the wait ended, however it ended.
        using var registration = cancellationToken.UnsafeRegister(static (state, token) =>
        {
            var (budget, w) = ((PendingBudget, Waiter))state!;
            budget.Cancel(w, token);
        }, (this, waiter));
        await waiter.Task.ConfigureAwait(false);
    }

    private void Cancel(Waiter waiter, CancellationToken token)
    {
        lock (_lock)
        {
            if (waiter.Node is null)
            {
                // Granted (or failed) first: the reservation stands and the writer goes on.
                return;
            }

            _waiters.Remove(waiter.Node);
            waiter.Node = null;

            // Whoever queued behind it may fit now.
            GrantWaiters();
        }

        waiter.TrySetCanceled(token);
    }

    private sealed class Waiter(long bytes) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public long Bytes { get; } = bytes;

        /// <summary>Its node in the queue while it waits; null once granted, cancelled or failed (guarded by the lock).</summary>
        public LinkedListNode<Waiter>? Node { get; set; }
    }
}
