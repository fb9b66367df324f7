namespace FileCache.Warming;

/// <summary>
/// Counts foreground misses under way (the warming load stage enters and exits it around every non-warming load), so
/// warming workers can wait until none is running before they start their next read: warming yields the disk to
/// callers. A warming read already started is not interrupted; at most one per worker overlaps a foreground miss.
/// </summary>
internal sealed class ForegroundGate
{
    private readonly object _lock = new();
    private int _active;
    private TaskCompletionSource? _idle;

    public int Active => Volatile.Read(ref _active);

    public void Enter()
    {
        lock (_lock)
        {
            if (_active++ == 0)
            {
                _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void Exit()
    {
        TaskCompletionSource? idle = null;
        lock (_lock)
        {
            if (--_active == 0)
            {
                idle = _idle;
                _idle = null;
            }
        }

        idle?.TrySetResult();
    }

    /// <summary>Completes when no foreground miss is under way (at once if none is).</summary>
    public Task WaitIdleAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return _active == 0 ? Task.CompletedTask : _idle!.Task.WaitAsync(cancellationToken);
        }
    }
}

/// <summary>
/// What the load pipeline and the warmer share, registered before either exists (the stage is composed into the cache,
/// which the warmer needs): the foreground gate, the co-access model and the tracker; the warmer attaches itself as
/// the prefetch sink when it is created.
/// </summary>
internal sealed class WarmingSignals
{
    private readonly TimeProvider _time;

    public WarmingSignals(FileCacheWarmingOptions options, TimeProvider time)
    {
        _time = time;
        if (options.Predict)
        {
            long window = (long)(options.PredictionWindow.TotalSeconds * time.TimestampFrequency);
            Model = new CoAccessModel(options.PredictionMaxKeys, Math.Max(1, window), options.PredictionMinConfidence);
            Tracker = new PrefetchTracker(options.PredictionMinPrecision);
        }
    }

    public ForegroundGate Gate { get; } = new();

    public CoAccessModel? Model { get; }

    public PrefetchTracker? Tracker { get; }

    /// <summary>Where predictions go (the warmer's queue); null until a warmer exists, and then predictions are dropped.</summary>
    public Action<FileKey>? Prefetch { get; set; }

    /// <summary>Foreground misses seen.</summary>
    public long ForegroundMisses;

    /// <summary>The load stage: counts the foreground miss around the rest of the pipeline and feeds the model.</summary>
    public ValueTask RunStageAsync(Loading.FileLoadContext context, Loading.FileLoadHandler next)
    {
        if (WarmingScope.IsActive)
        {
            return next(context);
        }

        Interlocked.Increment(ref ForegroundMisses);
        Gate.Enter();
        ValueTask pending;
        try
        {
            if (Model is not null)
            {
                Predict(context.Key);
            }

            pending = next(context);
        }
        catch
        {
            Gate.Exit();
            throw;
        }

        if (pending.IsCompleted)
        {
            Gate.Exit();
            return pending;
        }

        return AwaitAndExit(pending);
    }

    private async ValueTask AwaitAndExit(ValueTask pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        finally
        {
            Gate.Exit();
        }
    }

    [ThreadStatic]
    private static FileKey[]? t_predicted;

    private void Predict(in FileKey key)
    {
        var predicted = t_predicted ??= new FileKey[2];
        int count = Model!.OnMiss(key, _time.GetTimestamp(), predicted);
        var sink = Prefetch;
        for (int i = 0; i < count && sink is not null; i++)
        {
            if (Tracker!.Admit())
            {
                sink(predicted[i]);
            }
        }
    }
}
