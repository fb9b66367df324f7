namespace FileCache.Storage;

/// <summary>A load under way for one key, shared by every caller that misses on that key meanwhile.</summary>
internal abstract class LoadOperation
{
    private bool _fenced;

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

    /// <summary>The load's activity and start time (ended when the load completes).</summary>
    public FileCache.Telemetry.LoadScope Telemetry { get; set; }

    /// <summary>Reloads the entry after a soft invalidation; null for file reads (the cache knows how to reread a file).</summary>
    public Invalidation.EntryRefresher? Refresher { get; init; }

    /// <summary>
    /// Set when the load leaves the in-flight table before it finished (the key was invalidated while it ran, under the
    /// store lock; or every waiter left): its result must not be cached.
    /// </summary>
    public bool Fenced
    {
        get => Volatile.Read(ref _fenced);
        set => Volatile.Write(ref _fenced, value);
    }

    /// <summary>
    /// Set when a caller of <c>TryReadAsync</c> waits for this file load: if the source reports the file missing, the
    /// load leaves a negative entry (under the same fences as a value) before its waiters see the exception.
    /// </summary>
    public bool RememberMissing { get; set; }

    /// <summary>Set when the load declared dependencies and was added to the cache's set of dependent loads (to be removed from it when it ends).</summary>
    public bool DependenciesTracked { get; set; }

    /// <summary>Completes when the load has finished, whatever its outcome.</summary>
    public abstract Task Completion { get; }

    /// <summary>The load whose loader started this one (null at the top): the chain that <see cref="Running"/> walks.</summary>
    public LoadOperation? Parent { get; protected set; }

    /// <summary>
    /// The load whose loader is running in the current asynchronous flow, if any. A loader that awaits a load on this
    /// chain waits for itself and would never finish: <see cref="ThrowIfWaitingForItself"/> turns that into an error.
    /// </summary>
    protected static AsyncLocal<LoadOperation?> Running { get; } = new();

    /// <summary>The load whose loader runs on this flow (the top of the chain), or null outside a loader.</summary>
    public static LoadOperation? Current => Running.Value;

    /// <summary>
    /// The file the load pipeline's compression stage judged (set by the disk loader; null when the stage did not run),
    /// and <see cref="CompressedBlock"/> its answer. Kept here, on the load, rather than on every cached file.
    /// </summary>
    public CachedFile? CompressionJudged { get; set; }

    /// <summary>The LZ4 block of <see cref="CompressionJudged"/> when worth keeping: the insert stores it instead of compressing again.</summary>
    public byte[]? CompressedBlock { get; set; }

    /// <summary>
    /// Throws <see cref="InvalidOperationException"/> when the caller runs inside the loader of <paramref name="load"/>,
    /// directly or through loads it awaits (A waits for B, whose loader waits for A). Walks only the caller's chain.
    /// </summary>
    public static void ThrowIfWaitingForItself(LoadOperation load)
    {
        for (var running = Running.Value; running is not null; running = running.Parent)
        {
            if (ReferenceEquals(running, load))
            {
                var chain = new List<string>();
                for (var link = Running.Value; link is not null && !ReferenceEquals(link, load.Parent); link = link.Parent)
                {
                    chain.Add($"'{link.Key.Path}'");
                }

                chain.Reverse();
                chain.Add($"'{load.Key.Path}'");
                throw new InvalidOperationException(
                    $"The loader of '{load.Key.Path}' in project '{load.Key.Project}' waits for its own key ({string.Join(" -> ", chain)}): " +
                    "the load would wait for itself forever. A loader must not read the key it loads, directly or through other loaders.");
            }
        }
    }
}

/// <summary>
/// Single flight: the loader runs once; each waiter awaits the shared outcome with its own token. The
/// loader's token is cancelled only when every waiter has gone, and then the operation leaves the in-flight
/// table at once so that a new caller starts a fresh load instead of inheriting a cancellation.
/// </summary>
/// <remarks>
/// The caller who starts the load runs the loader on its own thread (<see cref="StartAsync"/>). When the loader completes
/// synchronously (a computed value, a file read on the calling thread), the load ends there and the starter gets the
/// value back directly: no task is made for the outcome unless someone joined (or asked for <see cref="Completion"/>)
/// while it ran. <see cref="_completion"/> is null until then, and <see cref="Done"/> once the outcome is in the fields,
/// so a joiner either gets a task that the load completes or finds the outcome already there.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The source has no timer or linked token to free; a late Leave may still cancel it, so it is never disposed.")]
internal sealed class LoadOperation<T> : LoadOperation
{
    /// <summary>Stands for "finished, outcome in the fields": never completed, never handed out.</summary>
    private static readonly TaskCompletionSource<T> Done = new();

    private readonly CancellationTokenSource? _cancellation;
    private TaskCompletionSource<T>? _completion;
    private T? _value;
    private Exception? _error;
    private bool _canceled;
    private int _waiters = 1;

    /// <param name="partition">The key's partition.</param>
    /// <param name="key">The key loaded.</param>
    /// <param name="generation">The partition's generation now.</param>
    /// <param name="cancellable">
    /// False when the first waiter's token cannot be cancelled: that waiter never leaves, so the loader can never be
    /// cancelled, and the loader gets <see cref="CancellationToken.None"/> (no token source to allocate on every miss).
    /// </param>
    public LoadOperation(Partition partition, in FileKey key, long generation, bool cancellable = true)
        : base(partition, key, generation)
    {
        if (cancellable)
        {
            _cancellation = new CancellationTokenSource();
        }
    }

    public override Task Completion => CompletionSource()?.Task ?? Outcome().AsTask();

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

    /// <summary>
    /// Runs the load on the caller's thread (the caller is its first waiter): <paramref name="loader"/>, or when it is
    /// null the Refresher as an <see cref="Invalidation.EntryLoader{T}"/> (a state loader, with no delegate bound to it).
    /// A loader that completes synchronously ends the load here; otherwise the load ends when it does, and the caller
    /// waits like a joiner, with <paramref name="cancellationToken"/>.
    /// </summary>
    public ValueTask<T> StartAsync(Func<FileKey, CancellationToken, ValueTask<T>>? loader, DefaultFileCache owner, CancellationToken cancellationToken)
    {
        // The loader runs (and flows into whatever it awaits) with this load on top of the chain; the caller's own flow
        // is put back as soon as the loader returns, whether it finished or not.
        var flow = ExecutionContext.Capture();
        Parent = Running.Value;
        Running.Value = this;
        ValueTask<T> pending;
        try
        {
            var token = _cancellation?.Token ?? CancellationToken.None;
            pending = loader is not null ? loader(Key, token) : ((Invalidation.EntryLoader<T>)Refresher!).LoadAsync(Key, token);
        }
#pragma warning disable CA1031 // The loader's exception is handed to every waiter, not swallowed.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            pending = ValueTask.FromException<T>(ex);
        }
        finally
        {
            if (flow is not null)
            {
                ExecutionContext.Restore(flow);
            }
            else
            {
                Running.Value = Parent; // flow suppressed: nothing was captured to restore
            }
        }

        if (pending.IsCompleted)
        {
            T? value = default;
            Exception? error = null;
            try
            {
                value = pending.Result;
            }
#pragma warning disable CA1031 // As above.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                error = ex;
            }

            Conclude(value, error, owner);
            return Outcome();
        }

        _ = ConcludeWhenDoneAsync(pending, owner);
        return WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Ends a load that found, once registered, the value another load had just inserted: its waiters get that value;
    /// the loader does not run and nothing is inserted or counted as a load.
    /// </summary>
    public ValueTask<T> ConcludeWithLoaded(T value)
    {
        LeaveTable();
        Publish(value, null, canceled: false);
        return Outcome();
    }

    /// <summary>Waits for the outcome with the waiter's own token; a waiter whose token fires leaves (the last one cancels the loader).</summary>
    public ValueTask<T> WaitAsync(CancellationToken cancellationToken)
    {
        var completion = CompletionSource();
        return completion is null ? Outcome() : WaitCoreAsync(completion.Task, cancellationToken);
    }

    private async ValueTask<T> WaitCoreAsync(Task<T> outcome, CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return await outcome.ConfigureAwait(false);
        }

        try
        {
            return await outcome.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Leave here rather than from a token callback: Task.WaitAsync's own callback can complete this
            // method inline and dispose our registration before it ran, and the waiter would never leave.
            Leave();
            throw;
        }
    }

    /// <summary>The task source the outcome will complete, made on first need; null once the load has finished without one.</summary>
    private TaskCompletionSource<T>? CompletionSource()
    {
        var completion = Volatile.Read(ref _completion);
        if (completion is null)
        {
            var made = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            completion = Interlocked.CompareExchange(ref _completion, made, null) ?? made;
        }

        return ReferenceEquals(completion, Done) ? null : completion;
    }

    /// <summary>The outcome of a finished load (read only after <see cref="_completion"/> was seen to be <see cref="Done"/>).</summary>
    private ValueTask<T> Outcome()
    {
        if (_error is null)
        {
            return new ValueTask<T>(_value!);
        }

        if (!_canceled)
        {
            return ValueTask.FromException<T>(_error);
        }

        // Cancelled (every waiter left): a cancelled task with the loader's token, as the waiters' task would be.
        var canceled = new TaskCompletionSource<T>();
        canceled.TrySetCanceled(((OperationCanceledException)_error).CancellationToken);
        return new ValueTask<T>(canceled.Task);
    }

    private void Leave()
    {
        if (Interlocked.Decrement(ref _waiters) == 0)
        {
            // Nobody waits any more: stop the loader and let the next caller start afresh. A loader that ignores its
            // token may still finish, after a newer load inserted: fence it before it leaves the table, so that the
            // insert (which reads the fence under the store lock) refuses it whenever a newer load could exist.
            Fenced = true;
            Partition.InFlight.TryRemove(new KeyValuePair<FileKey, LoadOperation>(Key, this));
            _cancellation?.Cancel();
        }
    }

    private async Task ConcludeWhenDoneAsync(ValueTask<T> pending, DefaultFileCache owner)
    {
        T? value = default;
        Exception? error = null;
        try
        {
            value = await pending.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The loader's exception is handed to every waiter, not swallowed.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error = ex;
        }

        Conclude(value, error, owner);
    }

    /// <summary>Ends the load: records it (inserts the value unless fenced), leaves the in-flight table, then publishes the outcome to its waiters.</summary>
    private void Conclude(T? value, Exception? error, DefaultFileCache owner)
    {
        if (error is null && value is null)
        {
            error = new InvalidOperationException(
                $"The loader of '{Key.Path}' in project '{Key.Project}' returned null. A null value is not cached (it could never be " +
                "told apart from a miss): return a value that stands for \"nothing\" instead.");
        }

        if (error is OperationCanceledException && _cancellation?.IsCancellationRequested == true)
        {
            // Every waiter left and the loader honoured its token.
            LeaveTable();
            owner.OnLoadFailed(this, null);
            Publish(default, error, canceled: true);
            return;
        }

        if (error is not null)
        {
            // The failure is recorded (a negative entry, for a missing file) before the load leaves the in-flight
            // table, so that a new caller either joins this load or finds what it left.
            try
            {
                owner.OnLoadFailed(this, error);
            }
            finally
            {
                LeaveTable();
                Publish(default, error, canceled: false);
            }

            return;
        }

        // Insert before leaving the in-flight table, so that a new caller either joins this load or hits.
        try
        {
            owner.OnLoaded(this, value!);
        }
        finally
        {
            LeaveTable();
            Publish(value, null, canceled: false);
        }
    }

    /// <summary>Stores the outcome, then completes the waiters' task if one was made (else marks the load done: later joiners read the fields).</summary>
    private void Publish(T? value, Exception? error, bool canceled)
    {
        _value = value;
        _error = error;
        _canceled = canceled;
        var completion = Interlocked.CompareExchange(ref _completion, Done, null);
        if (completion is null)
        {
            return;
        }

        if (error is null)
        {
            completion.TrySetResult(value!);
        }
        else if (canceled)
        {
            completion.TrySetCanceled(((OperationCanceledException)error).CancellationToken);
        }
        else
        {
            completion.TrySetException(error);
        }
    }

    private void LeaveTable() => Partition.InFlight.TryRemove(new KeyValuePair<FileKey, LoadOperation>(Key, this));
}
