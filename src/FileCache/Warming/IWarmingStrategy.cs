namespace FileCache.Warming;

/// <summary>
/// Says what to warm. The warmer asks every registered strategy (<c>AddWarmingStrategy</c>) for items, queues them by
/// priority and loads them under its concurrency and byte-rate limits, yielding to foreground misses. The built-in
/// strategy warms from hot sets (<see cref="IHotSetSource"/>).
/// </summary>
public interface IWarmingStrategy
{
    /// <summary>Lists the items to warm.</summary>
    /// <param name="context">The cache and the projects to warm.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The items, in any order: the warmer orders them by <see cref="WarmingItem.Priority"/>.</returns>
    IAsyncEnumerable<WarmingItem> GetItemsAsync(WarmingContext context, CancellationToken cancellationToken);
}

/// <summary>One thing to warm.</summary>
/// <param name="Key">The key: a file (no variant) or derived data (warmed by <see cref="FileCacheWarmingOptions.WarmDerived"/>).</param>
/// <param name="Priority">Higher is warmed first.</param>
/// <param name="ExpectedVersion">
/// The file's version when it was hot; when set and the file's version now differs, the item is skipped (the file
/// changed since, so its heat says nothing about the new content).
/// </param>
/// <param name="SizeHint">The bytes it is expected to take; warming stops when the budget has no room for it (0: unknown).</param>
public readonly record struct WarmingItem(FileKey Key, double Priority, FileVersion? ExpectedVersion = null, long SizeHint = 0);

/// <summary>What a strategy is asked to warm.</summary>
public sealed class WarmingContext
{
    /// <summary>Initializes a new instance of the <see cref="WarmingContext"/> class.</summary>
    /// <param name="cache">The cache being warmed.</param>
    /// <param name="projects">The projects to warm.</param>
    public WarmingContext(IFileCache cache, IReadOnlyList<string> projects)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(projects);
        Cache = cache;
        Projects = projects;
    }

    /// <summary>Gets the cache being warmed (use it to make keys).</summary>
    public IFileCache Cache { get; }

    /// <summary>Gets the projects to warm.</summary>
    public IReadOnlyList<string> Projects { get; }
}

/// <summary>Progress of a warming run, reported through <see cref="IProgress{T}"/> after every item.</summary>
/// <param name="Total">Items queued by the run.</param>
/// <param name="Completed">Items done (loaded, skipped or failed).</param>
/// <param name="Loaded">Items read and cached.</param>
/// <param name="Skipped">Items already cached, changed since their hot set, refused or dropped on a full budget.</param>
/// <param name="Bytes">Bytes read.</param>
public readonly record struct WarmingProgress(int Total, int Completed, int Loaded, int Skipped, long Bytes);

/// <summary>What a warming run did.</summary>
/// <param name="Total">Items queued.</param>
/// <param name="Loaded">Items read and cached.</param>
/// <param name="AlreadyCached">Items already in the cache.</param>
/// <param name="Changed">Items skipped because the file's version differed from the hot set's.</param>
/// <param name="Refused">Items read but not kept: the cache's admission refused them or a quota was full.</param>
/// <param name="Failed">Items whose read failed (missing file, I/O error).</param>
/// <param name="Dropped">Items never started because the budget was full of hotter data.</param>
/// <param name="Bytes">Bytes read.</param>
/// <param name="StoppedFull">True when the run stopped early because the budget was full.</param>
public sealed record WarmingResult(int Total, int Loaded, int AlreadyCached, int Changed, int Refused, int Failed, int Dropped, long Bytes, bool StoppedFull);
