using System.Collections.Concurrent;
using FileCache.Invalidation;
using FileCache.Keys;
using FileCache.Storage;

namespace FileCache.Sources;

/// <summary>One changed path reported by the watcher, relative to the project's root.</summary>
internal readonly record struct WatcherChange(string Path, bool Deletion);

/// <summary>
/// Keeps one project coherent with its root directory: a recursive <see cref="FileSystemWatcher"/> whose events are
/// gathered for <see cref="InvalidationOptions.WatcherDebounce"/> and applied as one batch; a buffer overflow or
/// error invalidates the project; where no watcher can start (or it fails, for example at the OS watch limit) the
/// cached files are polled instead. <see cref="SynchronizeAsync"/> writes a sentinel file and returns once the
/// watcher has delivered and applied every event before it (events of one watcher arrive in order).
/// Split by concern: this file holds the lifecycle and the events; <c>.Sentinels.cs</c> the synchronization;
/// <c>.Polling.cs</c> the polling fallback.
/// </summary>
internal sealed partial class ProjectWatcher : IDisposable
{
    internal const string SentinelPrefix = ".filecache-sync-";
    private static readonly TimeSpan RetouchInterval = TimeSpan.FromMilliseconds(200);

    private readonly DefaultFileCache _cache;
    private readonly Partition _partition;
    private readonly InvalidationRuntime _runtime;
    private readonly TimeProvider _time;
    private readonly string _root;
    private readonly object _gate = new();
    private readonly object _applyGate = new();
    private readonly object _pollGate = new();
    private readonly object _restartGate = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _sentinels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _sentinelOrder = new(StringComparer.Ordinal);
    private long _sentinelSequence;
    private List<WatcherChange> _pending = [];
    private bool _scheduled;
    private long _batchStart;
    private long _lastEvent;
    private ITimer? _debounceTimer;
    private FileSystemWatcher? _watcher;
    private ITimer? _pollTimer;
    private ITimer? _retryTimer;
    private volatile bool _disposed;

    public ProjectWatcher(DefaultFileCache cache, Partition partition, InvalidationRuntime runtime, TimeProvider time)
    {
        _cache = cache;
        _partition = partition;
        _runtime = runtime;
        _time = time;
        _root = partition.Root!;
    }

    public bool IsPolling => Volatile.Read(ref _pollTimer) is not null;

    /// <summary>Changes received and not yet applied (for tests).</summary>
    internal int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    public void Start()
    {
        if (_runtime.UsePolling || !TryStartWatcher())
        {
            StartPolling();
        }
    }

    /// <summary>
    /// The debounce timer: applies the batch, unless it is a storm's (<see cref="InvalidationOptions.StormThreshold"/>
    /// events) still under way: then it waits for the events to pause (a tenth of the storm's maximum delay, at least the
    /// debounce) or for that maximum after the batch's first event, so the burst is applied as one batch.
    /// </summary>
    private void OnDebounce()
    {
        var limit = _runtime.StormMaxDelay;
        if (limit > TimeSpan.Zero)
        {
            lock (_gate)
            {
                if (_scheduled && _pending.Count >= _runtime.StormThreshold && !_disposed)
                {
                    double frequency = _time.TimestampFrequency;
                    var quiet = limit / 10 > _runtime.Debounce ? limit / 10 : _runtime.Debounce;
                    long now = _time.GetTimestamp();
                    long due = Math.Min(_lastEvent + (long)(quiet.TotalSeconds * frequency), _batchStart + (long)(limit.TotalSeconds * frequency));
                    if (due > now)
                    {
                        _debounceTimer!.Change(TimeSpan.FromSeconds((due - now) / frequency), Timeout.InfiniteTimeSpan);
                        return;
                    }
                }
            }
        }

        Flush();
    }

    /// <summary>Applies the events gathered so far (the debounce timer, a sentinel, or a test calls it).</summary>
    public void Flush()
    {
        lock (_applyGate)
        {
            List<WatcherChange> batch;
            lock (_gate)
            {
                batch = _pending;
                _pending = [];
                _scheduled = false;
            }

            if (batch.Count == 0 || _disposed)
            {
                return;
            }

            try
            {
                _cache.ApplyWatcherChanges(_partition, batch);
            }
#pragma warning disable CA1031 // Runs on a timer or the watcher's thread: a failure must not crash the process, and must not leave stale data.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _cache.InvalidateLostEvents(_partition, ex, overflow: true);
            }
        }
    }

    /// <summary>Handles a watcher error: an overflow invalidates the project; any other error also switches to polling.</summary>
    internal void OnError(Exception exception)
    {
        if (_disposed)
        {
            return;
        }

        lock (_applyGate)
        {
            lock (_gate)
            {
                // The project invalidation below covers everything still pending.
                _pending = [];
                _scheduled = false;
            }

            _cache.InvalidateLostEvents(_partition, exception, overflow: true);
        }

        if (exception is not InternalBufferOverflowException)
        {
            var watcher = Interlocked.Exchange(ref _watcher, null);
            watcher?.Dispose();
            _cache.OnPollingFallback(_partition, exception);
            StartPolling();
        }

        // A sentinel's event may have been among the lost ones; the project invalidation above covers every change
        // made before any sentinel registered so far, so their waiters may go.
        foreach (var sentinel in _sentinels.Values)
        {
            sentinel.TrySetResult();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        lock (_restartGate)
        {
            // Under the restart gate: a restart or retry under way either sees _disposed or has set the watcher it
            // started, which goes here.
            Interlocked.Exchange(ref _watcher, null)?.Dispose();
        }

        _debounceTimer?.Dispose();
        _pollTimer?.Dispose();
        _retryTimer?.Dispose();
        foreach (var sentinel in _sentinels.Values)
        {
            sentinel.TrySetResult();
        }
    }

    /// <summary>Replaces the file-system watcher with a new one (or polling, if none can start).</summary>
    private void RestartWatcher()
    {
        lock (_restartGate)
        {
            if (_disposed || Volatile.Read(ref _watcher) is null)
            {
                return;
            }

            Interlocked.Exchange(ref _watcher, null)?.Dispose();
            if (!TryStartWatcher())
            {
                StartPolling();
            }
        }
    }

    private bool TryStartWatcher(bool retry = false)
    {
        FileSystemWatcher? watcher = null;
        try
        {
            watcher = _runtime.WatcherFactory(_root);
            watcher.IncludeSubdirectories = true;
            watcher.NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite
                | NotifyFilters.Size | NotifyFilters.CreationTime | NotifyFilters.Attributes;
            watcher.InternalBufferSize = 64 * 1024;
            watcher.Created += (_, e) => Guarded(e.FullPath, null, deletion: false);
            watcher.Changed += (_, e) => Guarded(e.FullPath, null, deletion: false);
            watcher.Deleted += (_, e) => Guarded(e.FullPath, null, deletion: true);
            watcher.Renamed += (_, e) => Guarded(e.FullPath, e.OldFullPath, deletion: false);
            watcher.Error += (_, e) => OnError(e.GetException());
            watcher.EnableRaisingEvents = true;
            _watcher = watcher;
            return true;
        }
#pragma warning disable CA1031 // Whatever stops the watcher from starting (the OS watch limit, an unsupported file system), polling takes over.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            watcher?.Dispose();
            if (!retry)
            {
                _cache.OnPollingFallback(_partition, ex);
            }

            return false;
        }
    }

    /// <summary>Runs on the watcher's thread: whatever fails here must neither reach it nor lose a change silently.</summary>
    private void Guarded(string fullPath, string? oldFullPath, bool deletion)
    {
        try
        {
            if (oldFullPath is not null)
            {
                Enqueue(oldFullPath, deletion: true);
            }

            Enqueue(fullPath, deletion);
        }
#pragma warning disable CA1031 // See the summary: the event is treated as lost.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            OnError(new InternalBufferOverflowException("A watcher event could not be handled.", ex));
        }
    }

    private void Enqueue(string fullPath, bool deletion)
    {
        if (_disposed)
        {
            return;
        }

        string? path = ToRelative(fullPath);
        if (path is null)
        {
            return;
        }

        if (path.StartsWith(SentinelPrefix, StringComparison.Ordinal))
        {
            // Every event before the sentinel's has been enqueued (one watcher delivers in order): apply them now. The
            // callers of sentinels numbered before this one made their changes before it was written: they may go too.
            if (_sentinels.TryGetValue(path, out var arrived))
            {
                Flush();
                foreach (var earlier in _sentinels)
                {
                    if (earlier.Value.Task.Id != arrived.Task.Id && _sentinelOrder.TryGetValue(earlier.Key, out long order)
                        && _sentinelOrder.TryGetValue(path, out long mine) && order < mine)
                    {
                        earlier.Value.TrySetResult();
                    }
                }

                arrived.TrySetResult();
            }

            return;
        }

        lock (_gate)
        {
            _pending.Add(new WatcherChange(path, deletion));
            _lastEvent = _time.GetTimestamp();
            if (_scheduled)
            {
                return;
            }

            _scheduled = true;
            _batchStart = _lastEvent;
            // On the freshness thread, not the pool: a starved pool must not delay the batch (a stale read meanwhile).
            _debounceTimer ??= FreshnessThread.CreateTimer(_time, static state => ((ProjectWatcher)state!).OnDebounce(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _debounceTimer.Change(_runtime.Debounce, Timeout.InfiniteTimeSpan);
        }
    }

    private string? ToRelative(string fullPath)
    {
        int rootLength = _root.EndsWith('/') ? _root.Length : _root.Length + 1;
        if (fullPath.Length <= rootLength || !fullPath.StartsWith(_root, StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return PathNormalizer.Normalize(fullPath[rootLength..], _root, _partition.IgnoreCase, "path");
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
