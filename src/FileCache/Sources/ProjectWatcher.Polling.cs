using FileCache.Invalidation;

namespace FileCache.Sources;

/// <summary>The polling fallback: stat every cached file while no watcher runs, and try to watch again.</summary>
internal sealed partial class ProjectWatcher
{
    /// <summary>Checks every cached file of the project now.</summary>
    internal void PollNow()
    {
        lock (_pollGate)
        {
            if (!_disposed)
            {
                _cache.PollFiles(_partition);
            }
        }
    }


    private void StartPolling()
    {
        if (_disposed)
        {
            return;
        }

// On the freshness thread, not the pool: a starved pool must not delay the polls.
        var timer = FreshnessThread.CreateTimer(_time, static state => ((ProjectWatcher)state!).PollNow(), this, _runtime.PollingInterval, _runtime.PollingInterval);
        if (Interlocked.CompareExchange(ref _pollTimer, timer, null) is not null)
        {
            timer.Dispose();
            return;
        }

        if (!_runtime.UsePolling && _runtime.WatcherRetryInterval != Timeout.InfiniteTimeSpan)
        {
            // A fallback, not a choice: try to watch again now and then (the watch limit may have been raised, or
            // other watchers released theirs).
            var retry = _time.CreateTimer(static state => ((ProjectWatcher)state!).RetryWatching(), this, _runtime.WatcherRetryInterval, _runtime.WatcherRetryInterval);
            Interlocked.Exchange(ref _retryTimer, retry)?.Dispose();
        }
    }

    /// <summary>
    /// After a fallback to polling: starts a watcher if one can start now, then polls once more (a change made
    /// before the watcher started has no event; the poll compares every cached file with the disk), then stops
    /// polling. Changes made after the watcher started reach it as events.
    /// </summary>
    internal void RetryWatching()
    {
        lock (_restartGate)
        {
            if (_disposed || (Volatile.Read(ref _watcher) is null && !TryStartWatcher(retry: true)))
            {
                return;
            }

            PollNow();
            Interlocked.Exchange(ref _pollTimer, null)?.Dispose();
            Interlocked.Exchange(ref _retryTimer, null)?.Dispose();
        }

        _cache.OnWatchingAgain(_partition);
    }
}
