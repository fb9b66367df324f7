using FileCache.Sources;

namespace FileCache.Storage;

/// <summary>
/// Watch set-up off the caller's path. Enabling a recursive watch adds one OS watch per directory, synchronously:
/// about 20 s for a root like <c>/usr</c>. <c>AddProject</c> waits for it at most <see cref="WatchSetUpWait"/>; past
/// that the project is registered at once and the watch finishes on its own thread. Meanwhile nothing read from disk
/// is cached for the project (files, and values that declared dependencies), so every read goes to the disk and
/// <c>SynchronizeAsync</c> has nothing to vouch for. When the watch is up, loads that started before it are fenced
/// (what they read may predate it), and caching starts.
/// </summary>
internal sealed partial class DefaultFileCache
{
    /// <summary>How long registration waits for the watch (a small root is watched before AddProject returns, as before).</summary>
    internal static readonly TimeSpan WatchSetUpWait = TimeSpan.FromMilliseconds(500);

    private void StartWatcherInBackground(Partition partition, ProjectWatcher watcher)
    {
        partition.WatchPending = true;

        // Its own thread: the set-up blocks in the OS for as long as the tree takes, which must not hold a pool thread.
        partition.WatchReady = Task.Factory.StartNew(
            () => SetUpWatch(partition, watcher),
            CancellationToken.None,
            TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach,
            TaskScheduler.Default);
        partition.WatchReady.Wait(WatchSetUpWait);
    }

    private void SetUpWatch(Partition partition, ProjectWatcher watcher)
    {
        try
        {
            // Starts the watcher, or polling if none can start (the fallback handles that case as before).
            watcher.Start();
        }
        finally
        {
            lock (_store.Lock)
            {
                // Loads that started before the watch may have read a file before a change no event will report.
                partition.Generation++;
                foreach (var load in partition.InFlight)
                {
                    load.Value.Fenced = true;
                }

                partition.InFlight.Clear();
                partition.WatchPending = false;
            }

            if (partition.Removed || _disposed)
            {
                // Removed or disposed while the set-up ran: its Dispose may have come before the watcher existed.
                watcher.Dispose();
            }
        }
    }

    /// <summary>Is <paramref name="value"/> refused because its project's watch is still being set up? Caller holds the store lock.</summary>
    private static bool RefusedWhileWatchStarts<T>(Partition partition, T value, FileCacheEntryOptions? options) =>
        partition.WatchPending && (value is CachedFile || options?.Dependencies is { Count: > 0 });
}
