namespace FileCache.Warming;

/// <summary>
/// Options of warming (<c>AddWarming</c>): the hot-set manifest, the warming queue, refresh-ahead and predictive
/// prefetching. Part of <see cref="FileCacheOptions"/> (<see cref="FileCacheOptions.Warming"/>), so they are validated
/// with the rest at start-up.
/// </summary>
public sealed class FileCacheWarmingOptions
{
    /// <summary>Gets or sets the folder the hot-set manifests are written to and read from.</summary>
    /// <value>
    /// Defaults to <see langword="null"/>: no manifest is written or read (other <see cref="IHotSetSource"/>s and
    /// <see cref="IWarmingStrategy"/>s still run). Must be an absolute path when set; it is created when missing.
    /// </value>
    public string? ManifestFolder { get; set; }

    /// <summary>Gets or sets how often the hot set of every project is written (it is also written at shutdown).</summary>
    /// <value>Defaults to 5 minutes. Must be positive, or <see cref="Timeout.InfiniteTimeSpan"/> to write only at shutdown.</value>
    public TimeSpan ManifestInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the most entries one project's manifest holds (the hottest are kept).</summary>
    /// <value>Defaults to 50,000. Must be between 1 and <see cref="HotSetManifest.MaxEntries"/>.</value>
    public int MaxManifestEntries { get; set; } = 50_000;

    /// <summary>Gets or sets whether the hosted service warms the cache at start-up.</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool WarmOnStart { get; set; } = true;

    /// <summary>Gets or sets whether start-up waits for warming to finish.</summary>
    /// <value>
    /// Defaults to <see langword="false"/>: warming runs in the background and start-up goes on at once. When
    /// <see langword="true"/>, the host's start waits for it (bounded by the host's start-up token).
    /// </value>
    public bool BlockStartup { get; set; }

    /// <summary>Gets or sets how many files are warmed at once.</summary>
    /// <value>Defaults to 4. Must be between 1 and 256.</value>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Gets or sets the most bytes per second warming reads (bulk warming and prefetches alike).</summary>
    /// <value>Defaults to <see langword="null"/>: no byte rate limit (the concurrency limit still applies). Must be positive when set.</value>
    public long? MaxBytesPerSecond { get; set; }

    /// <summary>Gets or sets how often a warming run under way logs its progress.</summary>
    /// <value>Defaults to 5 seconds. Must be positive.</value>
    public TimeSpan ProgressLogInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets how long before its absolute expiration a read of an entry starts a background refresh
    /// (refresh-ahead), so a hot entry is replaced before it expires and readers never wait for its reload.
    /// </summary>
    /// <value>
    /// Defaults to <see langword="null"/>: off. When set (positive), a read within this window of an entry's absolute
    /// expiration that can be reloaded (a file, or a value from <c>GetOrAddAsync</c>) starts one reload in the background
    /// and returns the current value. Entries nobody reads in the window simply expire.
    /// </value>
    public TimeSpan? RefreshAhead { get; set; }

    /// <summary>Gets or sets whether file misses feed a co-access model that prefetches the files likely to be read next.</summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool Predict { get; set; }

    /// <summary>Gets or sets how soon after a miss of A a miss of B counts as "B follows A".</summary>
    /// <value>Defaults to 2 seconds. Must be positive.</value>
    public TimeSpan PredictionWindow { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the most files the co-access model remembers successors of (its memory bound).</summary>
    /// <value>Defaults to 20,000 (about 2 MB). Must be between 16 and 1,000,000.</value>
    public int PredictionMaxKeys { get; set; } = 20_000;

    /// <summary>Gets or sets the share of A's followers B must have been for a miss of A to prefetch B.</summary>
    /// <value>Defaults to 0.3. Must be greater than 0 and at most 1.</value>
    public double PredictionMinConfidence { get; set; } = 0.3;

    /// <summary>Gets or sets the precision (prefetched then read, over prefetched and then read or dropped unread) below which prediction turns itself down.</summary>
    /// <value>
    /// Defaults to 0.25. Between 0 and 1. Below it (once at least 32 prefetches are settled) only one prediction in
    /// eight is prefetched, enough to notice when precision recovers.
    /// </value>
    public double PredictionMinPrecision { get; set; } = 0.25;

    /// <summary>
    /// Gets or sets what warms derived data (keys with a variant) listed in a hot set: typically
    /// <c>cache.GetOrAddAsync(key, yourLoader, ...)</c>. Called after the files of the same run.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>: derived entries of a hot set are skipped.</value>
    public Func<IFileCache, FileKey, CancellationToken, ValueTask>? WarmDerived { get; set; }

    internal IEnumerable<string> Validate(string field)
    {
        if (ManifestFolder is { } folder && !Path.IsPathFullyQualified(folder))
        {
            yield return $"{field}.ManifestFolder must be an absolute path when set (was '{folder}').";
        }

        if (ManifestInterval <= TimeSpan.Zero && ManifestInterval != Timeout.InfiniteTimeSpan)
        {
            yield return $"{field}.ManifestInterval must be positive or Timeout.InfiniteTimeSpan (was {ManifestInterval}).";
        }

        if (MaxManifestEntries is < 1 or > HotSetManifest.MaxEntries)
        {
            yield return $"{field}.MaxManifestEntries must be between 1 and {HotSetManifest.MaxEntries} (was {MaxManifestEntries}).";
        }

        if (MaxConcurrency is < 1 or > 256)
        {
            yield return $"{field}.MaxConcurrency must be between 1 and 256 (was {MaxConcurrency}).";
        }

        if (MaxBytesPerSecond is <= 0)
        {
            yield return $"{field}.MaxBytesPerSecond must be positive when set (was {MaxBytesPerSecond}).";
        }

        if (ProgressLogInterval <= TimeSpan.Zero)
        {
            yield return $"{field}.ProgressLogInterval must be positive (was {ProgressLogInterval}).";
        }

        if (RefreshAhead is { } ahead && ahead <= TimeSpan.Zero)
        {
            yield return $"{field}.RefreshAhead must be positive when set (was {ahead}).";
        }

        if (PredictionWindow <= TimeSpan.Zero)
        {
            yield return $"{field}.PredictionWindow must be positive (was {PredictionWindow}).";
        }

        if (PredictionMaxKeys is < 16 or > 1_000_000)
        {
            yield return $"{field}.PredictionMaxKeys must be between 16 and 1,000,000 (was {PredictionMaxKeys}).";
        }

        if (!(PredictionMinConfidence > 0 && PredictionMinConfidence <= 1))
        {
            yield return $"{field}.PredictionMinConfidence must be greater than 0 and at most 1 (was {PredictionMinConfidence}).";
        }

        if (!(PredictionMinPrecision >= 0 && PredictionMinPrecision <= 1))
        {
            yield return $"{field}.PredictionMinPrecision must be between 0 and 1 (was {PredictionMinPrecision}).";
        }
    }
}
