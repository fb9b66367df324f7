using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FileCache.Internal;

namespace FileCache.Writing;

/// <summary>
/// The write path's state beside the engine: the options snapshot, the per-key write states, the counters (read by the
/// statistics and by observable instruments, so nothing is recorded per write) and the flush timer, which a
/// <see cref="TimeProvider"/> drives (a test's fake clock flushes when it is advanced).
/// </summary>
internal sealed class WriteRuntime : IDisposable
{
    private readonly TimeProvider _time;
    private readonly Action _pass;
    private readonly object _timerLock = new();
    private ITimer? _timer;
    private long _timerDue = long.MaxValue;
    private bool _disposed;

    // Counters, changed with Interlocked.
    public long WritesThrough;
    public long WritesBehind;
    public long Coalesced;
    public long Flushed;
    public long FlushFailures;
    public long Conflicts;
    public long Lost;
    public long EchoesIgnored;
    public long Waited;
    public long Refused;

    /// <summary>Set when a writer waits for room: flush passes then write every pending file not in back-off, due or not.</summary>
    public int DrainRequested;

    public WriteRuntime(FileCacheWriteOptions options, TimeProvider time, Meter meter, Action pass)
    {
        _time = time;
        _pass = pass;
        DelayTicks = TimestampTicks.From(options.WriteBehindDelay, time);
        RetryTicks = TimestampTicks.From(options.RetryDelay, time);
        MaxRetryTicks = TimestampTicks.From(options.MaxRetryDelay, time);
        DisposeFlushTimeout = options.DisposeFlushTimeout;
        FlushToDisk = options.FlushToDisk;
        FailWhenFull = options.FullMode == WriteBehindFullMode.Fail;
        Budget = new PendingBudget(options.MaxPendingBytes ?? long.MaxValue, options.MaxPendingFiles ?? long.MaxValue);

        // The instruments live as long as the meter: reach this runtime weakly so a forgotten cache stays collectable.
        var self = new WeakReference<WriteRuntime>(this);
        meter.CreateObservableCounter(Telemetry.FileCacheTelemetry.Writes, () => Observe(self, static r =>
        [
            new(Volatile.Read(ref r.WritesThrough), new KeyValuePair<string, object?>("mode", "through")),
            new(Volatile.Read(ref r.WritesBehind), new KeyValuePair<string, object?>("mode", "behind")),
        ]), "{write}", "Writes, by mode (through or behind).");
        meter.CreateObservableCounter(Telemetry.FileCacheTelemetry.WriteFlushes, () => Observe(self, static r => [new(Volatile.Read(ref r.Flushed))]), "{write}", "Write-behind flushes that wrote a file.");
        meter.CreateObservableCounter(Telemetry.FileCacheTelemetry.WriteFailures, () => Observe(self, static r =>
        [
            new(Volatile.Read(ref r.FlushFailures), new KeyValuePair<string, object?>("kind", "error")),
            new(Volatile.Read(ref r.Conflicts), new KeyValuePair<string, object?>("kind", "conflict")),
            new(Volatile.Read(ref r.Lost), new KeyValuePair<string, object?>("kind", "lost")),
        ]), "{write}", "Writes that did not reach the disk, by kind: error (retried), conflict, lost at dispose.");
        meter.CreateObservableGauge(Telemetry.FileCacheTelemetry.WritesPending, () => Observe(self, static r => [new(r.Budget.Files)]), "{file}", "Files with a write not yet flushed.");
        meter.CreateObservableGauge(Telemetry.FileCacheTelemetry.WritePendingBytes, () => Observe(self, static r => [new(r.Budget.Bytes)]), "By", "Bytes of writes not yet flushed (bounded by Writing.MaxPendingBytes).");
        meter.CreateObservableCounter(Telemetry.FileCacheTelemetry.WriteBackPressure, () => Observe(self, static r =>
        [
            new(Volatile.Read(ref r.Waited), new KeyValuePair<string, object?>("outcome", "waited")),
            new(Volatile.Read(ref r.Refused), new KeyValuePair<string, object?>("outcome", "refused")),
        ]), "{write}", "Write-behinds that found the pending writes at their bound, by outcome: waited for room, or refused.");
    }

    public long DelayTicks { get; }

    public long RetryTicks { get; }

    public long MaxRetryTicks { get; }

    public TimeSpan DisposeFlushTimeout { get; }

    public bool FlushToDisk { get; }

    /// <summary>Gets whether a write-behind that does not fit fails (<see cref="WriteBehindFullMode.Fail"/>) rather than waits.</summary>
    public bool FailWhenFull { get; }

    /// <summary>Gets the bytes and files of pending writes, and their bound.</summary>
    public PendingBudget Budget { get; }

    /// <summary>The write state of each key with writes pending or under way.</summary>
    public ConcurrentDictionary<FileKey, KeyWriteState> States { get; } = new();

    /// <summary>Set while a flush pass runs; a timer tick meanwhile asks for another pass.</summary>
    public int PassRunning;

    /// <summary>Set when a pass was asked for while one ran.</summary>
    public int PassAgain;

    /// <summary>The back-off before the next attempt after <paramref name="attempts"/> failures: doubling, capped.</summary>
    public long BackOff(int attempts)
    {
        long delay = RetryTicks;
        for (int i = 1; i < attempts && delay < MaxRetryTicks; i++)
        {
            delay *= 2;
        }

        return Math.Min(delay, MaxRetryTicks);
    }

    /// <summary>Makes sure a flush pass runs at or soon after <paramref name="dueAt"/> (a timestamp of the cache's clock).</summary>
    public void Schedule(long dueAt)
    {
        lock (_timerLock)
        {
            if (_disposed || dueAt >= _timerDue)
            {
                return;
            }

            _timerDue = dueAt;
            long wait = Math.Max(0, dueAt - _time.GetTimestamp());
            var delay = TimeSpan.FromSeconds(wait / (double)_time.TimestampFrequency);
            if (_timer is null)
            {
                var self = new WeakReference<WriteRuntime>(this);
                _timer = _time.CreateTimer(static state => OnTimer((WeakReference<WriteRuntime>)state!), self, delay, Timeout.InfiniteTimeSpan);
            }
            else
            {
                _timer.Change(delay, Timeout.InfiniteTimeSpan);
            }
        }
    }

    public WriteStatistics Snapshot() => new(
        Volatile.Read(ref WritesThrough),
        Volatile.Read(ref WritesBehind),
        Volatile.Read(ref Coalesced),
        Volatile.Read(ref Flushed),
        Volatile.Read(ref FlushFailures),
        Volatile.Read(ref Conflicts),
        Volatile.Read(ref Lost),
        Volatile.Read(ref EchoesIgnored),
        Budget.Files,
        Budget.Bytes)
    {
        Waited = Volatile.Read(ref Waited),
        Refused = Volatile.Read(ref Refused),
    };

    public void Dispose()
    {
        lock (_timerLock)
        {
            _disposed = true;
            _timer?.Dispose();
        }

        Budget.Dispose();
    }

    private static void OnTimer(WeakReference<WriteRuntime> self)
    {
        if (self.TryGetTarget(out var runtime))
        {
            lock (runtime._timerLock)
            {
                runtime._timerDue = long.MaxValue;
            }

            runtime._pass();
        }
    }

    private static Measurement<long>[] Observe(WeakReference<WriteRuntime> self, Func<WriteRuntime, Measurement<long>[]> read) =>
        self.TryGetTarget(out var runtime) ? read(runtime) : [];
}
