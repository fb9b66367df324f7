
namespace FileCache.Sources;

/// <summary>
/// Timers for the work that keeps cached files fresh (the watcher's debounced batches, polls, watcher retries), run on
/// one dedicated thread shared by every project of every cache in the process instead of the thread pool: a pool kept
/// busy by synchronous callers delayed pool timers by seconds, and with them every invalidation (a writer's change
/// was served stale for 2.5 s where it should have been ~35 ms). Only the system clock is timed here; any other
/// <see cref="TimeProvider"/> (a test's fake clock) keeps its own timers, so time moves when the test moves it.
/// </summary>
/// <remarks>
/// One thread for all: callbacks are short (a batch of path invalidations, or a stat per cached file of one project),
/// and they run one at a time, so a long poll of a huge project delays the others' batches by that long. Callbacks
/// must not throw; one that does is swallowed, so the shared thread stays alive for the others.
/// </remarks>
internal static class FreshnessThread
{
    private static readonly object Gate = new();
    private static readonly PriorityQueue<(ScheduledTimer Timer, long Version), long> Due = new();
    private static Thread? s_thread;

    /// <summary>A timer on the freshness thread for the system clock, or the provider's own timer for any other.</summary>
    public static ITimer CreateTimer(TimeProvider time, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (!ReferenceEquals(time, TimeProvider.System))
        {
            return time.CreateTimer(callback, state, dueTime, period);
        }

        var timer = new ScheduledTimer(callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private static void Schedule(ScheduledTimer timer, long version, long dueAt)
    {
        // Caller holds Gate.
        bool earliest = !Due.TryPeek(out _, out long first) || dueAt < first;
        Due.Enqueue((timer, version), dueAt);
        if (s_thread is null)
        {
            s_thread = new Thread(Run) { IsBackground = true, Name = "FileCache freshness" };
            s_thread.Start();
        }
        else if (earliest)
        {
            Monitor.Pulse(Gate);
        }
    }

    private static void Run()
    {
        lock (Gate)
        {
            while (true)
            {
                if (!Due.TryPeek(out var next, out long dueAt))
                {
                    Monitor.Wait(Gate);
                    continue;
                }

                long now = TimeProvider.System.GetTimestamp();
                if (dueAt > now)
                {
                    long wait = (long)Math.Ceiling((dueAt - now) * 1000.0 / TimeProvider.System.TimestampFrequency);
                    Monitor.Wait(Gate, (int)Math.Clamp(wait, 1, int.MaxValue));
                    continue;
                }

                Due.Dequeue();
                var timer = next.Timer;
                if (timer.Version != next.Version)
                {
                    continue; // changed or disposed since it was scheduled
                }

                if (timer.PeriodTicks > 0)
                {
                    timer.DueAt = now + timer.PeriodTicks;
                    Due.Enqueue((timer, timer.Version), timer.DueAt);
                }
                else
                {
                    timer.DueAt = -1;
                }

                Monitor.Exit(Gate);
                try
                {
                    timer.Fire();
                }
                finally
                {
                    Monitor.Enter(Gate);
                }
            }
        }
    }

    /// <summary>A timer whose callback runs on the freshness thread. <see cref="Change"/> and <see cref="Dispose"/> may be called from any thread.</summary>
    private sealed class ScheduledTimer(TimerCallback callback, object? state) : ITimer
    {
        /// <summary>Bumped by every Change and by Dispose: a queued due time with an older version is skipped. Guarded by Gate.</summary>
        public long Version;
        public long DueAt = -1;
        public long PeriodTicks;
        private bool _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (Gate)
            {
                if (_disposed)
                {
                    return false;
                }

                Version++;
                PeriodTicks = period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? 0 : Ticks(period);
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    DueAt = -1;
                    return true;
                }

                DueAt = TimeProvider.System.GetTimestamp() + Ticks(dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime);
                Schedule(this, Version, DueAt);
                return true;
            }
        }

        public void Dispose()
        {
            lock (Gate)
            {
                _disposed = true;
                Version++;
                DueAt = -1;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        public void Fire()
        {
            try
            {
                callback(state);
            }
#pragma warning disable CA1031 // The thread is shared by every project: one callback's failure must not stop the others (see the class remarks).
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        private static long Ticks(TimeSpan span) => Internal.TimestampTicks.From(span, TimeProvider.System);
    }
}
