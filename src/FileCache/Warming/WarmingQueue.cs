using FileCache.Internal;

namespace FileCache.Warming;

/// <summary>
/// The warming queue: items by tier (files, then derived data, then prefetches) and priority (higher first, then first
/// queued), run by at most <c>MaxConcurrency</c> workers. Before each item a worker waits until no foreground miss is
/// under way (yield) and, with <c>MaxBytesPerSecond</c>, until the byte budget allows (a token bucket on the cache's
/// <see cref="TimeProvider"/>). A bulk item that finds no room in the budget marks its run full: the run's other items
/// are dropped unread, since everything cached is either hotter (warmed before it) or read by a caller since start.
/// Prefetches are ordinary inserts, judged by the cache's admission policy like any miss.
/// </summary>
internal sealed class WarmingQueue : IDisposable
{
    public const int FileTier = 0;
    public const int DerivedTier = 1;
    public const int PrefetchTier = 2;
    private const int MaxPendingPrefetches = 1024;

    private readonly object _lock = new();
    private readonly PriorityQueue<Work, (int Tier, double Priority, long Sequence)> _queue = new();
    private readonly Func<Work, CancellationToken, ValueTask> _execute;
    private readonly ForegroundGate _gate;
    private readonly TimeProvider _time;
    private readonly int _maxConcurrency;
    private readonly long? _bytesPerSecond;
    private readonly CancellationTokenSource _stopping = new();
    private long _sequence;
    private int _workers;
    private int _pendingPrefetches;
    private double _tokens;
    private long _refilledAt;
    private int _running;
    private int _maxRunning;
    private TaskCompletionSource? _idle;
    private int _waiting;

    public WarmingQueue(Func<Work, CancellationToken, ValueTask> execute, ForegroundGate gate, TimeProvider time, int maxConcurrency, long? bytesPerSecond)
    {
        _execute = execute;
        _gate = gate;
        _time = time;
        _maxConcurrency = maxConcurrency;
        _bytesPerSecond = bytesPerSecond;
        _tokens = bytesPerSecond ?? 0;
        _refilledAt = time.GetTimestamp();
    }

    /// <summary>The most items that ran at once (tests check the concurrency limit with it).</summary>
    public int MaxRunning => Volatile.Read(ref _maxRunning);

    /// <summary>Workers parked until the foreground misses under way finish.</summary>
    public int WaitingForForeground => Volatile.Read(ref _waiting);

    public CancellationToken Stopping => _stopping.Token;

    public void Enqueue(IEnumerable<Work> items)
    {
        lock (_lock)
        {
            foreach (var work in items)
            {
                _queue.Enqueue(work, (work.Tier, -work.Item.Priority, _sequence++));
            }

            StartWorkersLocked();
        }
    }

    /// <summary>Queues a prefetch unless too many are pending already (then it is dropped: predictions are cheap to lose).</summary>
    public bool TryEnqueuePrefetch(Work work)
    {
        lock (_lock)
        {
            if (_stopping.IsCancellationRequested || _pendingPrefetches >= MaxPendingPrefetches)
            {
                return false;
            }

            _pendingPrefetches++;
            _queue.Enqueue(work, (PrefetchTier, -work.Item.Priority, _sequence++));
            StartWorkersLocked();
            return true;
        }
    }

    private void StartWorkersLocked()
    {
        while (_workers < _maxConcurrency && _workers < _queue.Count && !_stopping.IsCancellationRequested)
        {
            _workers++;
            _ = Task.Run(RunWorkerAsync);
        }
    }

    private async Task RunWorkerAsync()
    {
        // Everything this worker loads is a warming load: the load stage neither counts it as foreground nor learns from it.
        WarmingScope.Enter();
        var token = _stopping.Token;
        while (true)
        {
            Work? work;
            if (_gate.Active > 0)
            {
                Interlocked.Increment(ref _waiting);
                try
                {
                    await _gate.WaitIdleAsync(token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Stopping: the lock below sees the token and ends the worker.
                }
                finally
                {
                    Interlocked.Decrement(ref _waiting);
                }
            }

            lock (_lock)
            {
                if (token.IsCancellationRequested || !_queue.TryDequeue(out work, out _))
                {
                    _workers--;
                    DrainLocked(token);
                    if (_workers == 0 && _idle is { } idle)
                    {
                        _idle = null;
                        idle.TrySetResult();
                    }

                    return;
                }

                if (work.Tier == PrefetchTier)
                {
                    _pendingPrefetches--;
                }
            }

            int running = Interlocked.Increment(ref _running);
            UpdateMax(running);
            try
            {
                await ThrottleAsync(work.Item.SizeHint, token).ConfigureAwait(false);
                await _execute(work, token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // One item's failure (or the queue stopping) must not end the worker; the executor counts it.
            catch (Exception)
#pragma warning restore CA1031
            {
                work.Run?.Record(WarmOutcome.Failed, 0);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }
    }

    /// <summary>Completes when nothing is queued or running.</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_workers == 0)
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>After a stop, the last worker out completes the runs whose items will never run.</summary>
    private void DrainLocked(CancellationToken token)
    {
        if (!token.IsCancellationRequested || _workers != 0)
        {
            return;
        }

        while (_queue.TryDequeue(out var work, out _))
        {
            work.Run?.Drop();
        }
    }

    private void UpdateMax(int running)
    {
        int seen;
        while (running > (seen = Volatile.Read(ref _maxRunning)) && Interlocked.CompareExchange(ref _maxRunning, running, seen) != seen)
        {
        }
    }

    /// <summary>A token bucket of one second's bytes: an item waits until the bucket is positive, then spends its size.</summary>
    private async ValueTask ThrottleAsync(long bytes, CancellationToken token)
    {
        if (_bytesPerSecond is not { } rate)
        {
            return;
        }

        while (true)
        {
            TimeSpan wait;
            lock (_lock)
            {
                long now = _time.GetTimestamp();
                _tokens = Math.Min(rate, _tokens + (now - _refilledAt) * (double)rate / _time.TimestampFrequency);
                _refilledAt = now;
                if (_tokens > 0)
                {
                    _tokens -= Math.Max(1, bytes);
                    return;
                }

                wait = TimeSpan.FromSeconds(-_tokens / rate + 0.001);
            }

            await Task.Delay(wait, _time, token).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _stopping.Cancel();
            if (_workers == 0)
            {
                while (_queue.TryDequeue(out var work, out _))
                {
                    work.Run?.Drop();
                }
            }
        }
    }

    /// <summary>One queued item, with the run it belongs to (none for prefetches).</summary>
    internal sealed record Work(WarmingItem Item, int Tier, WarmRun? Run);
}
