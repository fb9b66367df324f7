namespace FileCache.Warming;

/// <summary>One warming run: its counters, progress and completion. Updated by the queue's workers (Interlocked).</summary>
internal sealed class WarmRun
{
    private readonly IProgress<WarmingProgress>? _progress;
    private readonly TaskCompletionSource<WarmingResult> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _remaining;
    private int _completed;
    private int _loaded;
    private int _alreadyCached;
    private int _changed;
    private int _refused;
    private int _failed;
    private int _dropped;
    private long _bytes;
    private int _full;

    public WarmRun(string label, IProgress<WarmingProgress>? progress, CancellationToken cancellationToken)
    {
        Label = label;
        _progress = progress;
        CancellationToken = cancellationToken;
    }

    public string Label { get; }

    public CancellationToken CancellationToken { get; }

    public int Total { get; private set; }

    /// <summary>True once the budget had no room for an item: the run's remaining items are dropped.</summary>
    public bool StoppedFull => Volatile.Read(ref _full) != 0;

    public Task<WarmingResult> Completion => _done.Task;

    public WarmingProgress Progress => new(Total, Volatile.Read(ref _completed), Volatile.Read(ref _loaded),
        Volatile.Read(ref _completed) - Volatile.Read(ref _loaded), Interlocked.Read(ref _bytes));

    /// <summary>Sets the number of items before any is queued (so the run cannot complete early).</summary>
    public void Start(int total)
    {
        Total = total;
        _remaining = total;
        if (total == 0)
        {
            _done.TrySetResult(Result());
        }
    }

    public void MarkFull() => Volatile.Write(ref _full, 1);

    public void Drop() => Finish(ref _dropped, 0);

    public void Record(WarmOutcome outcome, long bytes)
    {
        switch (outcome)
        {
            case WarmOutcome.Loaded:
                Finish(ref _loaded, bytes);
                break;
            case WarmOutcome.AlreadyCached:
                Finish(ref _alreadyCached, bytes);
                break;
            case WarmOutcome.Changed:
                Finish(ref _changed, bytes);
                break;
            case WarmOutcome.Refused:
                Finish(ref _refused, bytes);
                break;
            default:
                Finish(ref _failed, bytes);
                break;
        }
    }

    private void Finish(ref int counter, long bytes)
    {
        Interlocked.Increment(ref counter);
        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Increment(ref _completed);
        _progress?.Report(Progress);
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            if (CancellationToken.IsCancellationRequested)
            {
                _done.TrySetCanceled(CancellationToken);
            }
            else
            {
                _done.TrySetResult(Result());
            }
        }
    }

    public WarmingResult Result() => new(Total, Volatile.Read(ref _loaded), Volatile.Read(ref _alreadyCached), Volatile.Read(ref _changed),
        Volatile.Read(ref _refused), Volatile.Read(ref _failed), Volatile.Read(ref _dropped), Interlocked.Read(ref _bytes), StoppedFull);
}
