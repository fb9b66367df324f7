using FileCache.Internal;
using FileCache.Keys;
using FileCache.Statistics;

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
    private readonly Invalidation.InvalidationRuntime _inv;
    private volatile PartitionTable _partitions = PartitionTable.Empty;
    private volatile bool _disposed;

    /// <summary>Creates a cache from options that have been validated.</summary>
    public DefaultFileCache(
        FileCacheOptions options,
        TimeProvider timeProvider,
        IEnumerable<Invalidation.IInvalidationStrategy>? strategies = null,
        IEnumerable<Invalidation.IInvalidationHook>? hooks = null,
        Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        _ticksPerSecond = timeProvider.TimestampFrequency;
        _store = new EntryStore(options.MaxBytes, options.MaxEntryBytes ?? long.MaxValue);
        _defaultAbsoluteTicks = options.DefaultAbsoluteExpiration is { } absolute ? ToTimestampTicks(absolute) : null;
        _defaultSlidingTicks = options.DefaultSlidingExpiration is { } sliding ? ToTimestampTicks(sliding) : null;
        _diskLoader = LoadFromDiskAsync;
        _inv = new Invalidation.InvalidationRuntime(options.Invalidation, timeProvider, strategies, hooks, logger);
        _store.Index.Resolve = key => _partitions.Find(key.Project, key.ProjectHash);
        foreach (var project in options.Projects)
        {
            AddProject(project);
        }
    }

    /// <inheritdoc/>
    public event EventHandler<FileCacheEntryRemovedEventArgs>? EntryRemoved;

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Projects => Array.ConvertAll(_partitions.All, p => p.Name);

    /// <summary>Gets the store (for tests and the hit-rate simulator).</summary>
    internal EntryStore Store => _store;

    /// <inheritdoc/>
    public void AddProject(FileCacheProjectOptions project)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(project);
        var errors = DependencyInjection.FileCacheOptionsValidator.ValidateProject(project, _store.Budget, "project").ToList();
        if (errors.Count > 0)
        {
            Throw.Argument(string.Join(" ", errors), nameof(project));
        }

        var partition = new Partition(project, project.RootPath is null ? null : PathNormalizer.NormalizeRoot(project.RootPath));
        lock (_projectsLock)
        {
            if (_partitions.Find(project.Name, partition.NameHash) is not null)
            {
                Throw.Argument($"Project '{project.Name}' is already registered.", nameof(project));
            }

            _partitions = _partitions.With(partition);
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
            partition = _partitions.Find(project, Partition.HashName(project));
            if (partition is null)
            {
                return false;
            }

            _partitions = _partitions.Without(partition);
        }

        StopWatching(partition);
        InvalidatePartition(partition, RemovalReason.Invalidated, removeProject: true);
        return true;
    }

    /// <inheritdoc/>
    public FileKey CreateKey(string project, string path, string? variant = null)
    {
        ThrowIfDisposed();
        var partition = GetPartition(project);
        Throw.IfInvalidVariant(variant);
        string normalized = PathNormalizer.Normalize(path, partition.Root, partition.IgnoreCase, nameof(path));
        return new FileKey(partition.Name, partition.NameHash, normalized, variant, partition.IgnoreCase);
    }

    /// <inheritdoc/>
    public FileCacheStatistics GetStatistics()
    {
        ThrowIfDisposed();
        var projects = new Dictionary<string, CacheCounters>(StringComparer.Ordinal);
        var total = default(CacheCounters);
        foreach (var partition in _partitions.All)
        {
            var counters = partition.Counters.Snapshot(Volatile.Read(ref partition.Count), Volatile.Read(ref partition.Bytes));
            projects[partition.Name] = counters;
            total += counters;
        }

        return new FileCacheStatistics(total, projects, _store.Budget) { Invalidation = InvalidationSnapshot() };
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _inv.Dispose();
        lock (_store.Lock)
        {
            foreach (var partition in _partitions.All)
            {
                partition.Removed = true;
                _store.RemoveAllLocked(partition, RemovalReason.Removed, RemovalSink.Disabled);
            }
        }
    }

    /// <summary>
    /// Recounts the store from scratch under the lock (for tests): per partition, what the dictionary holds,
    /// what its list holds, and the counters, which must all agree.
    /// </summary>
    internal IReadOnlyList<(string Project, long MapCount, long MapBytes, long ListCount, long CountedEntries, long CountedBytes)> Recount()
    {
        var result = new List<(string, long, long, long, long, long)>();
        lock (_store.Lock)
        {
            foreach (var partition in _partitions.All)
            {
                long mapBytes = 0;
                foreach (var pair in partition.Map)
                {
                    mapBytes += pair.Value.Size;
                }

                long listCount = 0;
                for (var entry = partition.ListHead.PartNext; entry != partition.ListHead; entry = entry.PartNext)
                {
                    listCount++;
                }

                result.Add((partition.Name, partition.Map.Count, mapBytes, listCount, partition.Count, partition.Bytes));
            }
        }

        return result;
    }

    /// <summary>The keys with a load under way in a project (for tests).</summary>
    internal ICollection<FileKey> InFlightFor(string project) => GetPartition(project).InFlight.Keys;

    private Partition GetPartition(string project)
    {
        Throw.IfNullOrEmptyOrNul(project);
        var partition = _partitions.Find(project, Partition.HashName(project));
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
