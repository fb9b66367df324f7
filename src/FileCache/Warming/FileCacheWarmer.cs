using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FileCache.Warming;

/// <summary>
/// The warmer: collects items from the strategies, queues them and waits for the run; writes hot sets; executes
/// prefetches for the co-access model. See <c>Warming/readme.md</c>.
/// </summary>
internal sealed class FileCacheWarmer : IFileCacheWarmer, IDisposable
{
    private readonly IFileCache _cache;
    private readonly IWarmableCache? _engine;
    private readonly FileCacheWarmingOptions _options;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<IWarmingStrategy> _strategies;
    private readonly ManifestHotSetStore? _store;
    private readonly IReadOnlyList<IHotSetStore> _stores;
    private readonly ILogger _logger;
    private readonly WarmingSignals _signals;
    private readonly WarmingQueue _queue;
    private long _runs;
    private long _loaded;
    private long _skipped;
    private long _bytes;
    private long _manifestsWritten;
    private long _manifestFailures;
    private long _prefetches;

    public FileCacheWarmer(
        IFileCache cache,
        FileCacheWarmingOptions options,
        TimeProvider time,
        WarmingSignals signals,
        IEnumerable<IWarmingStrategy>? strategies = null,
        IEnumerable<IHotSetSource>? sources = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(signals);
        _cache = cache;
        _engine = cache as IWarmableCache;
        _options = options;
        _time = time;
        _signals = signals;
        _logger = logger ?? NullLogger.Instance;
        _store = options.ManifestFolder is { } folder ? new ManifestHotSetStore(folder, _logger) : null;

        // Remote sources (a joining node's cluster hot set) first, then the local manifest.
        var hotSetSources = new List<IHotSetSource>(sources ?? []);
        if (_store is not null)
        {
            hotSetSources.Add(_store);
        }

        // Where the periodic and shutdown snapshots go: every source that can be written (the cluster's, the manifest).
        _stores = [.. hotSetSources.OfType<IHotSetStore>()];

        var all = new List<IWarmingStrategy>();
        if (hotSetSources.Count > 0)
        {
            all.Add(new HotSetWarmingStrategy(hotSetSources, _logger));
        }

        all.AddRange(strategies ?? []);
        _strategies = all;
        _queue = new WarmingQueue(ExecuteAsync, signals.Gate, time, options.MaxConcurrency, options.MaxBytesPerSecond);
        if (signals.Tracker is { } tracker)
        {
            tracker.ThrottleChanged = (throttled, precision) =>
            {
                if (throttled)
                {
                    WarmingLog.PredictionThrottled(_logger, precision, options.PredictionMinPrecision);
                }
                else
                {
                    WarmingLog.PredictionRecovered(_logger, precision);
                }
            };
            signals.Prefetch = key => _queue.TryEnqueuePrefetch(new WarmingQueue.Work(new WarmingItem(key, 0), WarmingQueue.PrefetchTier, null));
        }
    }

    /// <summary>True when hot sets are written somewhere (the manifest folder, or a registered <see cref="IHotSetStore"/>).</summary>
    internal bool HasHotSetStores => _stores.Count > 0;

    /// <summary>The most items that ran at once.</summary>
    internal int MaxRunning => _queue.MaxRunning;

    /// <summary>Workers parked until the foreground misses under way finish.</summary>
    internal int WaitingForForeground => _queue.WaitingForForeground;

    public async Task<WarmingResult> WarmAsync(string? project = null, IProgress<WarmingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var projects = project is null ? _cache.Projects.ToArray() : [project];
        if (project is not null && !_cache.Projects.Contains(project))
        {
            throw new ArgumentException($"Project '{project}' is not registered with the cache.", nameof(project));
        }

        Interlocked.Increment(ref _runs);
        var context = new WarmingContext(_cache, projects);
        var items = new List<WarmingItem>();
        foreach (var strategy in _strategies)
        {
            try
            {
                await foreach (var item in strategy.GetItemsAsync(context, cancellationToken).ConfigureAwait(false))
                {
                    if (item.Key.IsDefault)
                    {
                        continue;
                    }

                    if (item.Key.Variant is null || _options.WarmDerived is not null)
                    {
                        items.Add(item);
                    }
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                WarmingLog.StrategyFailed(_logger, ex, strategy.GetType().Name);
            }
        }

        var run = new WarmRun(project ?? "all projects", progress, cancellationToken);
        run.Start(items.Count);
        _queue.Enqueue(items.ConvertAll(i => new WarmingQueue.Work(i, i.Key.Variant is null ? WarmingQueue.FileTier : WarmingQueue.DerivedTier, run)));
        using var progressLog = _time.CreateTimer(_ => LogProgress(run), null, _options.ProgressLogInterval, _options.ProgressLogInterval);
        var result = await run.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref _loaded, result.Loaded);
        Interlocked.Add(ref _skipped, result.Total - result.Loaded);
        WarmingLog.Done(_logger, run.Label, result.Loaded, result.AlreadyCached, result.Changed, result.Failed, result.StoppedFull);
        return result;
    }

    private void LogProgress(WarmRun run)
    {
        var p = run.Progress;
        WarmingLog.Progress(_logger, run.Label, p.Completed, p.Total, p.Loaded, p.Skipped, p.Bytes);
    }

    private async ValueTask ExecuteAsync(WarmingQueue.Work work, CancellationToken stopping)
    {
        var run = work.Run;
        if (run is not null && (run.StoppedFull || run.CancellationToken.IsCancellationRequested))
        {
            run.Drop();
            return;
        }

        if (run is not null && _engine is not null && work.Tier == WarmingQueue.FileTier && !_engine.HasRoomFor(work.Item.SizeHint))
        {
            run.MarkFull();
            run.Drop();
            return;
        }

        using var linked = run is null ? null : CancellationTokenSource.CreateLinkedTokenSource(stopping, run.CancellationToken);
        var token = linked?.Token ?? stopping;
        if (work.Tier == WarmingQueue.DerivedTier)
        {
            await _options.WarmDerived!(_cache, work.Item.Key, token).ConfigureAwait(false);
            run?.Record(WarmOutcome.Loaded, 0);
            return;
        }

        var (outcome, bytes) = _engine is not null
            ? await _engine.WarmFileAsync(work.Item.Key, work.Item.ExpectedVersion, token).ConfigureAwait(false)
            : await WarmThroughInterfaceAsync(work.Item.Key, token).ConfigureAwait(false);
        Interlocked.Add(ref _bytes, bytes);
        if (run is not null)
        {
            run.Record(outcome, bytes);
        }
        else if (outcome == WarmOutcome.Loaded && _signals.Tracker is { } tracker && _engine is not null)
        {
            Interlocked.Increment(ref _prefetches);
            var record = new PrefetchRecord(work.Item.Key);
            if (_engine.MarkPrefetched(record))
            {
                tracker.Track(record);
            }
        }
    }

    /// <summary>A decorated cache (not the engine): the public read; it counts as a miss and versions are not checked.</summary>
    private async ValueTask<(WarmOutcome, long)> WarmThroughInterfaceAsync(FileKey key, CancellationToken cancellationToken)
    {
        try
        {
            var file = await _cache.ReadAsync(key, cancellationToken).ConfigureAwait(false);
            return (WarmOutcome.Loaded, file.Length);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && !cancellationToken.IsCancellationRequested)
        {
            return (WarmOutcome.Failed, 0);
        }
    }

    public async Task<int> SaveHotSetAsync(string? project = null, CancellationToken cancellationToken = default)
    {
        if (_stores.Count == 0 || _engine is null)
        {
            return 0;
        }

        int written = 0;
        foreach (string name in project is null ? _cache.Projects.ToArray() : [project])
        {
            HotSet hotSet;
            try
            {
                hotSet = _engine.TakeHotSet(name, _options.MaxManifestEntries);
            }
            catch (ArgumentException ex)
            {
                Interlocked.Increment(ref _manifestFailures);
                WarmingLog.ManifestWriteFailed(_logger, ex, name);
                continue;
            }

            foreach (var store in _stores)
            {
                try
                {
                    await store.SaveAsync(hotSet, cancellationToken).ConfigureAwait(false);
                    Interlocked.Increment(ref _manifestsWritten);
                    written++;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // One store's failure (a full disk, an unreachable server) keeps its previous hot set; the others are written.
                    Interlocked.Increment(ref _manifestFailures);
                    WarmingLog.ManifestWriteFailed(_logger, ex, name);
                }
            }
        }

        return written;
    }

    public WarmingStatistics GetStatistics()
    {
        var tracker = _signals.Tracker;
        tracker?.SettleAll();
        return new WarmingStatistics(
            Interlocked.Read(ref _runs),
            Interlocked.Read(ref _loaded),
            Interlocked.Read(ref _skipped),
            Interlocked.Read(ref _bytes),
            Interlocked.Read(ref _manifestsWritten),
            Interlocked.Read(ref _manifestFailures),
            Interlocked.Read(ref _signals.ForegroundMisses),
            Interlocked.Read(ref _prefetches),
            tracker?.UsedTotal ?? 0,
            tracker?.WastedTotal ?? 0,
            tracker?.Suppressed ?? 0,
            tracker?.Precision ?? 1,
            tracker?.Throttled ?? false,
            _signals.Model?.Count ?? 0);
    }

    /// <summary>Completes when nothing is queued or running (tests and the replay harness).</summary>
    internal Task WhenIdleAsync(CancellationToken cancellationToken = default) => _queue.WhenIdleAsync(cancellationToken);

    public void Dispose()
    {
        _signals.Prefetch = null;
        _queue.Dispose();
    }
}
