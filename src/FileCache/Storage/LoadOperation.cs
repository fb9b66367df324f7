namespace FileCache.Storage;

/// <summary>A load under way for one key, shared by every caller that misses on that key meanwhile.</summary>
internal abstract class LoadOperation
{
    protected LoadOperation(Partition partition, in FileKey key, long generation)
    {
        Partition = partition;
        Key = key;
        Generation = generation;
    }

    public Partition Partition { get; }

    public FileKey Key { get; }

    /// <summary>The partition's generation when the load started; a later invalidation of the project changes it.</summary>
    public long Generation { get; }

    /// <summary>The new entry's options (its tags and dependencies decide which invalidations fence the load).</summary>
    public FileCacheEntryOptions? Options { get; init; }

    /// <summary>The coarse clock when the load started (ValidateOnRead trusts the result from then).</summary>
    public long StartedAt { get; init; }

    /// <summary>Reloads the entry after a soft invalidation; null for file reads (the cache knows how to reread a file).</summary>
    public Invalidation.EntryRefresher? Refresher { get; init; }

    /// <summary>Set under the store lock when the key is invalidated while the load runs: its result must not be cached.</summary>
    public bool Fenced { get; set; }

    /// <summary>
    /// Set when a caller of <c>TryReadAsync</c> waits for this file load: if the source reports the file missing, the
    /// load leaves a negative entry (under the same fences as a value) before its waiters see the exception.
    /// </summary>
    public bool RememberMissing { get; set; }

    /// <summary>Completes when the load has finished, whatever its outcome.</summary>
    public abstract Task Completion { get; }
}

/// <summary>
/// Single flight: the loader runs once; each waiter awaits the shared outcome with its own token. The
/// loader's token is cancelled only when every waiter has gone, and then the operation leaves the in-flight
/// table at once so that a new caller starts a fresh load instead of inheriting a cancellation.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The source has no timer or linked token to free; a late Leave may still cancel it, so it is never disposed.")]
internal sealed class LoadOperation<T> : LoadOperation
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _cancellation = new();
    private int _waiters = 1;

    public LoadOperation(Partition partition, in FileKey key, long generation)
        : base(partition, key, generation)
    {
    }

    public override Task Completion => _completion.Task;

    /// <summary>Joins as one more waiter; fails once every earlier waiter has left (the load is being cancelled).</summary>
    public bool TryJoin()
    {
        // Invariant: _waiters only grows while positive; once it reaches 0 it stays 0 (closed).
        int current = Volatile.Read(ref _waiters);
        while (current > 0)
        {
            int seen = Interlocked.CompareExchange(ref _waiters, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    public void Start(Func<FileKey, CancellationToken, ValueTask<T>> loader, Action<LoadOperation<T>, T> complete, Action<LoadOperation<T>, Exception?> fail)
    {
        _ = RunAsync(loader, complete, fail);
    }

    public async ValueTask<T> WaitAsync(CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return await _completion.Task.ConfigureAwait(false);
        }

        try
        {
            return await _completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Leave here rather than from a token callback: Task.WaitAsync's own callback can complete this
            // method inline and dispose our registration before it ran, and the waiter would never leave.
            Leave();
            throw;
        }
    }

    private void Leave()
    {
        if (Interlocked.Decrement(ref _waiters) == 0)
        {
            // Nobody waits any more: stop the loader and let the next caller start afresh.
            Partition.InFlight.TryRemove(new KeyValuePair<FileKey, LoadOperation>(Key, this));
            _cancellation.Cancel();
        }
    }

    private async Task RunAsync(Func<FileKey, CancellationToken, ValueTask<T>> loader, Action<LoadOperation<T>, T> complete, Action<LoadOperation<T>, Exception?> fail)
    {
        T value;
        try
        {
            value = await loader(Key, _cancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (_cancellation.IsCancellationRequested)
        {
            Finish();
            fail(this, null);
            _completion.TrySetCanceled(ex.CancellationToken);
            return;
        }
#pragma warning disable CA1031 // The loader's exception is handed to every waiter, not swallowed.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // The failure is recorded (a negative entry, for a missing file) before the load leaves the in-flight
            // table, so that a new caller either joins this load or finds what it left.
            try
            {
                fail(this, ex);
            }
            finally
            {
                Finish();
                _completion.TrySetException(ex);
            }

            return;
        }

        // Insert before leaving the in-flight table, so that a new caller either joins this load or hits.
        try
        {
            complete(this, value);
        }
        finally
        {
            Finish();
            _completion.TrySetResult(value);
        }
    }

    private void Finish() => Partition.InFlight.TryRemove(new KeyValuePair<FileKey, LoadOperation>(Key, this));
}
