using FileCache.Monitoring;
using FileCache.Statistics;

namespace FileCache;

/// <summary>Options of a file cache. Validated once at start-up and copied by the cache; later changes have no effect.</summary>
public sealed class FileCacheOptions
{
    /// <summary>The default byte budget: 256 MiB.</summary>
    public const long DefaultMaxBytes = 256L * 1024 * 1024;

    /// <summary>Gets or sets the cache's name: the <see cref="Telemetry.FileCacheTelemetry.CacheNameTag"/> tag of its meter.</summary>
    /// <value>
    /// Defaults to <see langword="null"/>: an unnamed cache, whose meter has no tag. <c>AddKeyedFileCache</c> sets it to the
    /// service key unless set. Must not be empty or blank when set.
    /// </value>
    public string? Name { get; set; }

    /// <summary>Gets or sets the byte budget over all projects.</summary>
    /// <value>Defaults to <see cref="DefaultMaxBytes"/> (256 MiB). Must be positive.</value>
    public long MaxBytes { get; set; } = DefaultMaxBytes;

    /// <summary>Gets or sets the largest single entry, in counted bytes, that the cache stores.</summary>
    /// <value>
    /// Defaults to <see langword="null"/>: an entry may take up to the whole budget (or its project's quota).
    /// A larger entry is refused and counted; a file read through the cache is still returned to its caller.
    /// </value>
    public long? MaxEntryBytes { get; set; }

    /// <summary>Gets or sets how the cache chooses what to drop when over budget.</summary>
    /// <value>
    /// Defaults to <see cref="EvictionPolicy.TinyLfu"/>: frequency-based admission with an adaptive recency window.
    /// <see cref="EvictionPolicy.Clock"/> is second-chance LRU. Both cost the same on a hit.
    /// </value>
    public EvictionPolicy EvictionPolicy { get; set; } = EvictionPolicy.TinyLfu;

    /// <summary>Gets or sets how often the background sweeper removes expired entries.</summary>
    /// <value>
    /// Defaults to 10 seconds. Must be positive. Each sweep looks only at the entries whose expiry time has come
    /// (they are filed in per-second buckets), at most <see cref="MaxExpirationsPerScan"/> of them; a read of an
    /// expired entry misses whether or not it was swept yet.
    /// </value>
    public TimeSpan ExpirationScanInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the most entries one sweep looks at (bounds the time the sweeper holds the store lock).</summary>
    /// <value>Defaults to 1,000. Must be positive.</value>
    public int MaxExpirationsPerScan { get; set; } = 1000;

    /// <summary>
    /// Whether an entry with a declared <see cref="FileCacheEntryOptions.Size"/> is also charged the measured per-entry
    /// overhead (always, for users). Internal: unit tests of eviction and expiry mechanics turn it off to reason in whole
    /// units ("a budget of 10, entries of size 1"); the tests of the rule itself keep it on.
    /// </summary>
    internal bool ChargeOverheadOnDeclaredSize { get; set; } = true;

    /// <summary>Gets or sets the expiration, relative to insertion, applied to entries that set none.</summary>
    /// <value>Defaults to <see langword="null"/>: no expiration. Must be positive when set.</value>
    public TimeSpan? DefaultAbsoluteExpiration { get; set; }

    /// <summary>Gets or sets the sliding expiration applied to entries that set none.</summary>
    /// <value>Defaults to <see langword="null"/>: no sliding expiration. Must be positive when set.</value>
    public TimeSpan? DefaultSlidingExpiration { get; set; }

    /// <summary>Gets the options of the reaction to memory pressure: budget shrinking and memory alerts.</summary>
    /// <value>Defaults to <see cref="Eviction.FileCacheMemoryOptions"/>'s defaults: adapt to pressure, alerts at 0.9 and 1.0.</value>
    public Eviction.FileCacheMemoryOptions Memory { get; } = new();

    /// <summary>Gets the options of the LZ4 compression of file contents.</summary>
    /// <value>Defaults to <see cref="Compression.FileCacheCompressionOptions"/>'s defaults: nothing is compressed.</value>
    public Compression.FileCacheCompressionOptions Compression { get; } = new();

    /// <summary>Gets the options of the detailed statistics (latency histograms, hot keys, history) and of the metrics.</summary>
    /// <value>Statistics on, with the defaults documented on <see cref="FileCacheStatisticsOptions"/>.</value>
    public FileCacheStatisticsOptions Statistics { get; } = new();

    /// <summary>Gets the options of the <see cref="CacheMonitor"/>: alert rules.</summary>
    /// <value>The built-in rules, no others.</value>
    public FileCacheMonitorOptions Monitoring { get; } = new();

    /// <summary>Gets the options of coherence with the disk (watching, checks on read) and of invalidation.</summary>
    /// <value>Defaults to <see cref="Invalidation.InvalidationOptions"/>'s defaults: watch every project root.</value>
    public Invalidation.InvalidationOptions Invalidation { get; } = new();

    /// <summary>
    /// Gets the stages a file miss runs through, in order, around the read from the project's source (ASP.NET Core
    /// middleware style: <c>(context, next) =&gt; ...</c>). Usually filled by <c>IFileCacheBuilder.UseLoadStage</c>.
    /// </summary>
    /// <value>Empty by default: a miss reads the source (with the built-in telemetry and compression stages around it).</value>
    public IList<Loading.FileLoadStage> LoadStages { get; } = new List<Loading.FileLoadStage>();

    /// <summary>Gets the options of <see cref="IFileCache.WriteAsync"/>: write-behind delay, retries, the flush on dispose, fsync.</summary>
    /// <value>Defaults to <see cref="Writing.FileCacheWriteOptions"/>'s defaults.</value>
    public Writing.FileCacheWriteOptions Writing { get; } = new();

    /// <summary>Gets the projects registered at start-up. More can be added with <see cref="IFileCache.AddProject"/>.</summary>
    /// <value>Defaults to an empty list.</value>
    public IList<FileCacheProjectOptions> Projects { get; } = new List<FileCacheProjectOptions>();

    /// <summary>Registers a project at start-up.</summary>
    /// <param name="name">The project's name: the first part of every key.</param>
    /// <param name="rootPath">The absolute path of the project's root directory, or <see langword="null"/> for a project that only holds derived data.</param>
    /// <param name="configure">Sets further project options.</param>
    /// <returns>These options, for chaining.</returns>
    public FileCacheOptions AddProject(string name, string? rootPath, Action<FileCacheProjectOptions>? configure = null)
    {
        var project = new FileCacheProjectOptions { Name = name, RootPath = rootPath };
        configure?.Invoke(project);
        Projects.Add(project);
        return this;
    }
}
