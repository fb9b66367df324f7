namespace FileCache.Warming;

/// <summary>
/// Warms a cache: from hot sets and the registered strategies, hottest first, under a concurrency and byte-rate limit,
/// yielding to foreground misses and stopping when the budget is full of hotter data. Registered by <c>AddWarming</c>;
/// its hosted service warms at start-up and writes the hot-set manifests periodically and at shutdown.
/// </summary>
public interface IFileCacheWarmer
{
    /// <summary>Warms the cache and waits until done.</summary>
    /// <param name="project">The project to warm, or <see langword="null"/> for every registered project.</param>
    /// <param name="progress">Receives progress after every item (optional).</param>
    /// <param name="cancellationToken">Stops the run: items not started are dropped; the task is cancelled.</param>
    /// <returns>What the run did.</returns>
    Task<WarmingResult> WarmAsync(string? project = null, IProgress<WarmingProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the hot set of a project, or of every project, to the hot-set stores: the manifest folder, and every
    /// registered <see cref="IHotSetSource"/> that is an <see cref="IHotSetStore"/> (for example the cluster's).
    /// </summary>
    /// <param name="project">The project, or <see langword="null"/> for every registered project.</param>
    /// <param name="cancellationToken">Cancels the write; a manifest not yet renamed into place is left as it was.</param>
    /// <returns>The number of hot sets written (one per project and store).</returns>
    Task<int> SaveHotSetAsync(string? project = null, CancellationToken cancellationToken = default);

    /// <summary>Gets the warmer's counters.</summary>
    /// <returns>A snapshot.</returns>
    WarmingStatistics GetStatistics();
}

/// <summary>Counters of a warmer, summed since it started.</summary>
/// <param name="Runs">Warming runs started.</param>
/// <param name="Loaded">Files read and cached by warming runs.</param>
/// <param name="Skipped">Items skipped (already cached, changed, refused, failed or dropped on a full budget).</param>
/// <param name="Bytes">Bytes read by warming runs and prefetches.</param>
/// <param name="ManifestsWritten">Hot-set manifests written.</param>
/// <param name="ManifestWriteFailures">Hot-set manifest writes that failed.</param>
/// <param name="ForegroundMisses">File misses of callers seen by the warming load stage (what warming yields to).</param>
/// <param name="Prefetches">Prefetches that read and cached a file.</param>
/// <param name="PrefetchesUsed">Prefetched entries read before they left the cache.</param>
/// <param name="PrefetchesWasted">Prefetched entries that left the cache unread.</param>
/// <param name="PredictionsSuppressed">Predictions not prefetched because precision was low.</param>
/// <param name="Precision">Recent prefetch precision (used over used plus wasted, decayed); 1 before any is settled.</param>
/// <param name="PredictionThrottled">True while prediction is turned down for low precision.</param>
/// <param name="ModelKeys">Keys the co-access model holds followers for.</param>
public sealed record WarmingStatistics(
    long Runs,
    long Loaded,
    long Skipped,
    long Bytes,
    long ManifestsWritten,
    long ManifestWriteFailures,
    long ForegroundMisses,
    long Prefetches,
    long PrefetchesUsed,
    long PrefetchesWasted,
    long PredictionsSuppressed,
    double Precision,
    bool PredictionThrottled,
    int ModelKeys);
