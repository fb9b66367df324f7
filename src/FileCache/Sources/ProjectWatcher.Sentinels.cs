using FileCache.Invalidation;

namespace FileCache.Sources;

/// <summary>Synchronization: a sentinel file written in the root, awaited until its event arrives.</summary>
internal sealed partial class ProjectWatcher
{
    /// <summary>Returns once every change made under the root before the call has been applied to the cache.</summary>
    public async Task SynchronizeAsync(CancellationToken cancellationToken)
    {
        if (_disposed)
        {
            return;
        }

        if (IsPolling)
        {
            await Task.Run(PollNow, cancellationToken).ConfigureAwait(false);
            return;
        }

        string name = SentinelPrefix + Guid.NewGuid().ToString("N");
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _sentinels[name] = arrived;
        string fullPath = Path.Join(_root, name);
        // Numbered after the caller's changes: when a sentinel numbered later arrives, its write (after its number,
        // so after this one's number, so after this caller's changes) proves those changes' events were delivered.
        _sentinelOrder[name] = Interlocked.Increment(ref _sentinelSequence);
        try
        {
            try
            {
                await File.WriteAllBytesAsync(fullPath, [], cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // No sentinel possible (a read-only tree): forgetting the project is the only safe answer.
                _cache.InvalidateLostEvents(_partition, ex, overflow: false);
                return;
            }

            // An event can go missing without any error (seen under load with .NET's shared inotify instance): touch
            // the sentinel again now and then; any later event for it proves just as well that everything before the
            // first write was delivered.
            long started = _time.GetTimestamp();
            while (!arrived.Task.IsCompleted)
            {
                try
                {
                    await arrived.Task.WaitAsync(RetouchInterval, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException ex)
                {
                    if (_time.GetElapsedTime(started) >= _runtime.SynchronizeTimeout)
                    {
                        // The watcher did not deliver the sentinel in time. A watcher that went quiet is replaced (seen on
                        // Linux: one that never delivers again), then everything before is dropped: nothing is vouched for.
                        RestartWatcher();
                        _cache.InvalidateLostEvents(_partition, ex, overflow: true);
                        break;
                    }

                    try
                    {
                        await File.AppendAllTextAsync(fullPath, ".", cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception touch) when (touch is IOException or UnauthorizedAccessException)
                    {
                        _cache.InvalidateLostEvents(_partition, touch, overflow: false);
                        break;
                    }
                }
            }
        }
        finally
        {
            _sentinels.TryRemove(name, out _);
            _sentinelOrder.TryRemove(name, out _);
            try
            {
                File.Delete(fullPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }
    }
}
