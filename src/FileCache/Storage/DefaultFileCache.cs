using FileCache.Internal;
using FileCache.Keys;
using FileCache.Monitoring;
using FileCache.Statistics;
using FileCache.Telemetry;

namespace FileCache.Storage;

/// <summary>
/// The cache engine. Split by concern: this file holds state, projects and keys; <c>.Read.cs</c> the hit
/// path; <c>.Write.cs</c> loads, inserts and removals. See <c>Internal/readme.md</c> for the design.
/// </summary>
internal sealed partial class DefaultFileCache : IFileCache
{
    private readonly TimeProvider _time;
    private readonly EntryStore _store;
    private readonly object _projectsLock = new();
    private readonly long? _defaultAbsoluteTicks;
    private readonly long? _defaultSlidingTicks;
    private readonly double _ticksPerSecond;
    private readonly Func<FileKey, CancellationToken, ValueTask<CachedFile>> _diskLoader;
    private readonly Func<int> _sweep;
    private readonly Eviction.MaintenanceTimer _sweeper;
    private readonly int _maxExpirationsPerScan;
    private readonly int? _compressionThreshold;
    private readonly double _minCompressionSavings;
    private readonly K4os.Compression.LZ4.LZ4Level _compressionLevel;
    private readonly long _declaredSizeOverhead;
    private readonly Eviction.IMemoryInfoSource _memory;
    private readonly Eviction.MemoryPressureMonitor _pressure;
    private readonly Func<int> _checkMemory;
    private readonly Eviction.MaintenanceTimer? _memoryTimer;
    private readonly Invalidation.InvalidationRuntime _inv;
    private readonly Loading.LoadPipeline _pipeline;
    private readonly long _negativeTtlTicks;
    private readonly PartitionTable _partitions = new();
    private volatile bool _disposed;

    /// <summary>Creates a cache from options that have been validated.</summary>
    public DefaultFileCache(
        FileCacheOptions options,
        TimeProvider timeProvider,
        System.Diagnostics.Metrics.IMeterFactory? meterFactory = null,
        IEnumerable<Invalidation.IInvalidationStrategy>? strategies = null,
        IEnumerable<Invalidation.IInvalidationHook>? hooks = null,
        Microsoft.Extensions.Logging.ILogger? logger = null)
        : this(options, timeProvider, Eviction.GcMemoryInfoSource.Instance, meterFactory, strategies, hooks, logger)
    {
    }

    /// <summary>Creates a cache that reads its memory load from <paramref name="memory"/> (tests pass a fake).</summary>
    internal DefaultFileCache(
        FileCacheOptions options,
        TimeProvider timeProvider,
        Eviction.IMemoryInfoSource memory,
        System.Diagnostics.Metrics.IMeterFactory? meterFactory = null,
        IEnumerable<Invalidation.IInvalidationStrategy>? strategies = null,
        IEnumerable<Invalidation.IInvalidationHook>? hooks = null,
        Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        _ticksPerSecond = timeProvider.TimestampFrequency;
        _store = new EntryStore(options.MaxBytes, options.MaxEntryBytes ?? long.MaxValue, options.EvictionPolicy, Math.Max(1, timeProvider.TimestampFrequency));
        _maxExpirationsPerScan = options.MaxExpirationsPerScan;
        _compressionThreshold = options.Compression.ThresholdBytes;
        _minCompressionSavings = options.Compression.MinSavings;
        _compressionLevel = options.Compression.EncoderLevel;
        _declaredSizeOverhead = options.ChargeOverheadOnDeclaredSize ? EntryOverhead : 0;
        _sweep = SweepExpired;
        _sweeper = new Eviction.MaintenanceTimer(timeProvider, options.ExpirationScanInterval, _sweep);
        _memory = memory;
        _pressure = new Eviction.MemoryPressureMonitor(options.MaxBytes, options.Memory.PressureThreshold, options.Memory.MinBudgetFraction, options.Memory.AlertThresholds);
        _checkMemory = CheckMemory;
        _memoryTimer = options.Memory.AdaptToPressure ? new Eviction.MaintenanceTimer(timeProvider, options.Memory.CheckInterval, _checkMemory) : null;
        _defaultAbsoluteTicks = options.DefaultAbsoluteExpiration is { } absolute ? ToTimestampTicks(absolute) : null;
        _defaultSlidingTicks = options.DefaultSlidingExpiration is { } sliding ? ToTimestampTicks(sliding) : null;
        _diskLoader = LoadFromSourceAsync;
        _refreshAheadTicks = options.Warming.RefreshAhead is { } ahead ? ToTimestampTicks(ahead) : 0;
        _pipeline = new Loading.LoadPipeline(options.LoadStages, options.Compression.ThresholdBytes, options.Compression.MinSavings, options.Compression.EncoderLevel);
        // Instruments registered on a meter live as long as the meter; reaching the partitions through a weak
        // reference keeps an undisposed cache collectable (a test checks it).
        var self = new WeakReference<DefaultFileCache>(this);
        _observer = new CacheObserver(options.Statistics, timeProvider, meterFactory, () => self.TryGetTarget(out var cache) ? cache._partitions.All : [], options.MaxBytes, options.Name);
        _hitSampleThreshold = _observer.HitSampleThreshold;
        _observer.Metrics.StoreLock = _store.Lock;
        _store.FirstEntry = _observer.PrepareForHits;
        _inv = new Invalidation.InvalidationRuntime(options.Invalidation, timeProvider, strategies, hooks, logger);
        _negativeTtlTicks = NegativeEntryLifetime(options.Invalidation);
        _store.Index.Resolve = key => _partitions.Find(key.Project, key.ProjectHash);
        _writing = new Writing.WriteRuntime(options.Writing, timeProvider, _observer.Metrics.Meter, RunFlushPass);
        foreach (var project in options.Projects)
        {
            AddProject(project);
        }

        Monitor = new CacheMonitor(this, _observer, options.Statistics, options.Monitoring, timeProvider);

        // Last: the publisher may use the cache as soon as it is attached.
        _publisher = options.Invalidation.Publisher;
        _publisher?.Attach(this);
    }

    /// <inheritdoc/>
    public event EventHandler<FileCacheEntryRemovedEventArgs>? EntryRemoved;

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Projects
    {
        get
        {
            ThrowIfDisposed();
            return Array.ConvertAll(_partitions.All, p => p.Name);
        }
    }

    /// <inheritdoc/>
    public void AddProject(FileCacheProjectOptions project)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(project);
        var errors = DependencyInjection.FileCacheProjectOptionsValidator.Validate(project, _store.Budget, "project").ToList();
        if (errors.Count > 0)
        {
            Throw.Argument(string.Join(" ", errors), nameof(project));
        }

        var partition = new Partition(project, project.RootPath is null ? null : PathNormalizer.NormalizeRoot(project.RootPath));
        partition.Samples = _observer.NewSamples();
        lock (_projectsLock)
        {
            if (_partitions.Find(project.Name, partition.NameHash) is not null)
            {
                Throw.Argument($"Project '{project.Name}' is already registered.", nameof(project));
            }

            _partitions.Add(partition);
        }

        StartWatching(partition);
    }

    /// <inheritdoc/>
    public bool RemoveProject(string project)
    {
        ThrowIfDisposed();
        Throw.IfNullOrEmptyOrNul(project);
        Partition? partition;
        lock (_projectsLock)
        {
            partition = _partitions.Find(project);
            if (partition is null)
            {
                return false;
            }

            _partitions.Remove(partition);
        }

        StopWatching(partition);

        // Through the one invalidation path (hooks, which cannot veto it, cascades to other projects, fences), with
        // the partition out of the table so nothing new reaches it.
        var request = Invalidation.InvalidationRequest.ForProject(partition.Name).As(RemovalReason.Invalidated, "project_removed", deletion: true);
        InvalidateCore(request, partition, removeProject: true);
        _observer.HotKeys.Forget(partition.Name);
        _observer.Metrics.Retire(partition);
        return true;
    }

    /// <inheritdoc/>
    public FileKey CreateKey(string project, string path, string? variant = null)
    {
        ThrowIfDisposed();
        var partition = GetPartition(project);
        Throw.IfInvalidVariant(variant);
        string normalized = PathNormalizer.Normalize(path, partition.Root, partition.IgnoreCase, nameof(path));
        var key = new FileKey(partition.Name, partition.NameHash, normalized, variant, partition.IgnoreCase);
        return new FileKey(partition.Name, partition.NameHash, normalized, variant, partition.IgnoreCase, key.GetHashCode(), NameFor(partition, key));
    }

    /// <summary>
    /// The name string a prepared key carries, so that its hits compare the entry's name by reference: the entry's own
    /// when the key is cached under that very name (same characters), else a copy of the key's last segment, which the
    /// entry a load of this key makes then shares (the path itself at the project's root).
    /// </summary>
    private static FileName NameFor(Partition partition, in FileKey key)
    {
        string path = key.Path;
        int slash = path.LastIndexOf('/');
        if (partition.Map.TryGetValue(key, out var entry) && entry.Name.Is(path.AsSpan(slash + 1), StringComparison.Ordinal))
        {
            return entry.Name;
        }

        return slash < 0 ? FileName.Of(path) : FileName.Copy(path.AsSpan(slash + 1));
    }

    /// <inheritdoc/>
    public FileCacheStatistics GetStatistics()
    {
        ThrowIfDisposed();
        var projects = new Dictionary<string, CacheCounters>(StringComparer.Ordinal);
        var total = default(CacheCounters);
        var partitions = _partitions.All;
        var held = new (long Count, long Bytes)[partitions.Length];
        lock (_store.Lock)
        {
            // What is held, read between two store operations: an insert links its entry before it evicts to make room,
            // so a read in between (without the lock) saw more than the budget.
            for (int i = 0; i < partitions.Length; i++)
            {
                held[i] = (partitions[i].Count, partitions[i].Bytes);
            }
        }

        for (int i = 0; i < partitions.Length; i++)
        {
            var partition = partitions[i];
            var counters = partition.Counters.Snapshot(held[i].Count, held[i].Bytes);
            projects[partition.Name] = counters;
            total += counters;
        }

        return new FileCacheStatistics(total, projects, _store.Budget) { Invalidation = InvalidationSnapshot(), Memory = MemoryStatus(), Writes = _writing.Snapshot() };
    }

    /// <summary>
    /// One sweeper tick: removes up to <see cref="FileCacheOptions.MaxExpirationsPerScan"/> expired entries from the
    /// due expiry buckets (never a scan of the whole cache). Returns the number removed.
    /// </summary>
    internal int SweepExpired()
    {
        if (_disposed || _store.ExpiringCount == 0)
        {
            return 0;
        }

        var sink = NewSink();
        int removed;
        lock (_store.Lock)
        {
            removed = _store.SweepExpiredLocked(_time.GetTimestamp(), _maxExpirationsPerScan, sink);
        }

        Raise(sink);
        return removed;
    }

    /// <inheritdoc/>
    public event EventHandler<FileCacheMemoryAlertEventArgs>? MemoryAlert;

    /// <summary>The memory status, folded into <see cref="GetStatistics"/>.</summary>
    private FileCacheMemoryStatus MemoryStatus()
    {
        lock (_pressure)
        {
            return new FileCacheMemoryStatus(_store.Budget, _store.EffectiveBudget, _pressure.LastRatio, _pressure.AlertsRaised);
        }
    }

    /// <summary>
    /// One memory check: reads the load, lowers (and evicts down to) or restores the budget in force, and raises
    /// the alerts for thresholds the load rose across. Called by the memory timer; tests call it directly.
    /// </summary>
    internal int CheckMemory()
    {
        if (_disposed)
        {
            return 0;
        }

        var crossed = new List<double>();
        long budget;
        var sink = NewSink();
        lock (_pressure)
        {
            if (!_pressure.Update(_memory.Read(), crossed))
            {
                budget = _store.EffectiveBudget;
            }
            else
            {
                budget = _pressure.Budget;
                lock (_store.Lock)
                {
                    _store.SetEffectiveBudgetLocked(budget, _time.GetTimestamp(), sink);
                }
            }
        }

        Raise(sink);
        foreach (double threshold in crossed)
        {
            _observer.Metrics.RecordMemoryAlert(threshold);
        }

        var handler = MemoryAlert;
        if (handler is not null)
        {
            foreach (double threshold in crossed)
            {
                try
                {
                    handler(this, new FileCacheMemoryAlertEventArgs(threshold, _pressure.LastRatio, budget));
                }
#pragma warning disable CA1031 // A subscriber's failure must not stop the memory check.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }
        }

        return crossed.Count;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        // Pending writes first, while the cache still works (bounded by WriteOptions.DisposeFlushTimeout).
        FlushOnDispose();
        _disposed = true;
        Monitor.Stop();
        _observer.Dispose();
        _sweeper.Dispose();
        _memoryTimer?.Dispose();
        _inv.Dispose();
        Volatile.Read(ref _trustClock)?.Dispose();
        lock (_store.Lock)
        {
            foreach (var partition in _partitions.All)
            {
                partition.Removed = true;
                _store.RemoveAllLocked(partition, RemovalReason.Removed, RemovalSink.Disabled);
            }
        }
    }

    /// <summary>The registered project's partition, or null.</summary>
    internal Partition? FindPartition(string project) => _partitions.Find(project);

    /// <summary>The registered project's partition; throws <see cref="ArgumentException"/> naming <c>project</c> otherwise.</summary>
    internal Partition GetPartition(string project)
    {
        Throw.IfNullOrEmptyOrNul(project);
        var partition = _partitions.Find(project);
        if (partition is null)
        {
            Throw.UnknownProject(project, nameof(project));
        }

        return partition;
    }

    private Partition GetPartition(in FileKey key, string paramName)
    {
        if (key.IsDefault)
        {
            Throw.Argument("The key is default; create keys with IFileCache.CreateKey.", paramName);
        }

        var partition = _partitions.Find(key.Project, key.ProjectHash);
        if (partition is null)
        {
            Throw.UnknownProject(key.Project, paramName);
        }

        return partition;
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            Throw.ObjectDisposed();
        }
    }

    private long ToTimestampTicks(TimeSpan span) => (long)Math.Min(long.MaxValue / 4, span.TotalSeconds * _ticksPerSecond);

    private RemovalSink NewSink() => EntryRemoved is null ? RemovalSink.Disabled : new RemovalSink(true);

    private void Raise(RemovalSink sink) => sink.Raise(this, EntryRemoved);
}
