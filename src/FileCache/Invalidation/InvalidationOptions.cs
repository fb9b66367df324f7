namespace FileCache.Invalidation;

/// <summary>Options of coherence with the disk and of invalidation; part of <see cref="FileCacheOptions"/>.</summary>
public sealed class InvalidationOptions
{
    /// <summary>Gets or sets how file entries are kept coherent with the disk.</summary>
    /// <value>Defaults to <see cref="ValidationMode.Watch"/>.</value>
    public ValidationMode Mode { get; set; } = ValidationMode.Watch;

    /// <summary>Gets or sets how long a file entry is trusted between two checks of the file on read (<see cref="ValidationMode.ValidateOnRead"/>).</summary>
    /// <value>Defaults to 2 seconds. Zero checks on every read. Must not be negative.</value>
    public TimeSpan ValidationInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets how long the watcher gathers events before applying them together.</summary>
    /// <value>Defaults to 20 milliseconds. Must not be negative.</value>
    public TimeSpan WatcherDebounce { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Gets or sets how many changed paths under one directory, in one debounced batch, invalidate the whole directory instead (a change storm such as a branch switch).</summary>
    /// <value>Defaults to 64. Must be at least 2.</value>
    public int StormThreshold { get; set; } = 64;

    /// <summary>
    /// Gets or sets how long a change storm's batch may be held: once a debounced batch holds
    /// <see cref="StormThreshold"/> events, it is applied only when the events pause (for a tenth of this, at least
    /// <see cref="WatcherDebounce"/>) or this long after its first event, so a burst of thousands of changes (a branch
    /// switch, a build) becomes one directory invalidation (one log entry for the other nodes of a cluster) instead of
    /// one per debounce window. Meanwhile this node may serve the old bytes of files the storm changed, as during any
    /// debounce; <see cref="IFileCache.SynchronizeAsync"/> applies the batch at once.
    /// </summary>
    /// <value>Defaults to 1 second. Zero applies every batch after <see cref="WatcherDebounce"/>. Must not be negative.</value>
    public TimeSpan StormMaxDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets a value indicating whether to poll the cached files instead of watching (network shares, or to save OS watches).</summary>
    /// <value>Defaults to <see langword="false"/>: poll only where a watcher cannot start (for example the OS watch limit is reached).</value>
    public bool UsePolling { get; set; }

    /// <summary>Gets or sets how often the polling fallback checks every cached file's version.</summary>
    /// <value>Defaults to 2 seconds. Must be positive.</value>
    public TimeSpan PollingInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Gets or sets how often a project that fell back to polling (its watcher failed or could not start, for
    /// example at the OS watch limit) tries to watch again. Once a new watcher runs, one last poll covers the changes
    /// made before it started, and polling stops. Not used with <see cref="UsePolling"/>.
    /// </summary>
    /// <value>Defaults to 1 minute. Must be positive, or <see cref="Timeout.InfiniteTimeSpan"/> to keep polling.</value>
    public TimeSpan WatcherRetryInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets how long <see cref="IFileCache.SynchronizeAsync"/> waits for the watcher to deliver its sentinel
    /// file's event; past it nothing is vouched for and the project is invalidated (counted as a lost-event overflow).
    /// </summary>
    /// <value>Defaults to 15 seconds. Must be positive.</value>
    public TimeSpan SynchronizeTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets how long a soft-invalidated entry may be served stale; past it readers wait for the fresh value.</summary>
    /// <value>Defaults to 30 seconds. Must be positive.</value>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long after a failed background refresh the next one may start.</summary>
    /// <value>Defaults to 1 second. Must not be negative.</value>
    public TimeSpan RefreshRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets a value indicating whether file versions carry a hash of the content (<see cref="FileVersion.ContentHash"/>).</summary>
    /// <remarks>
    /// With hashes, a file that the watcher or a poll reports changed but that still holds the cached bytes (touched,
    /// or rewritten identically) is read again and keeps its entry and its dependants instead of being invalidated
    /// (counted in <see cref="InvalidationStatistics.UnchangedKept"/>). A change storm collapsed into a directory
    /// invalidation, and a check on read (<see cref="ValidationMode.ValidateOnRead"/>), invalidate without reading.
    /// </remarks>
    /// <value>Defaults to <see langword="false"/>: versions are the length and the last-write time.</value>
    public bool ComputeContentHash { get; set; }

    /// <summary>
    /// Gets or sets the distributed layer that publishes this cache's invalidations and applies the other nodes' (set by
    /// packages such as <c>Ferrule.FileCache.Redis</c>; code only, not bound from configuration).
    /// </summary>
    /// <value>Defaults to <see langword="null"/>: a single node.</value>
    public IInvalidationPublisher? Publisher { get; set; }
}
