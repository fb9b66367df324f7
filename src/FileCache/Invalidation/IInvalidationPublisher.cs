namespace FileCache.Invalidation;

/// <summary>
/// The seam of a distributed layer (for example <c>Ferrule.FileCache.Redis</c>): it sees every invalidation this cache
/// applied, with its sequence number, publishes it to the other nodes, can make
/// <see cref="IFileCache.InvalidateAsync(InvalidationRequest, CancellationToken)"/> wait for their acknowledgement, and
/// gets a <see cref="ICoherenceTarget"/> to apply the other nodes' invalidations and to demote what it cannot vouch for.
/// Set it in <see cref="InvalidationOptions.Publisher"/>; a cache has at most one.
/// </summary>
public interface IInvalidationPublisher
{
    /// <summary>Called once, when the cache is built, with the cache's coherence controls.</summary>
    /// <param name="target">The cache's controls.</param>
    void Attach(ICoherenceTarget target);

    /// <summary>
    /// Called after every invalidation this cache applied (not vetoed), whatever path it came by (explicit, watcher,
    /// poll, version mismatch, <c>Remove</c>, <c>Clear</c>), except those applied through
    /// <see cref="ICoherenceTarget.ApplyRemote(InvalidationRequest)"/>. Runs on the applying thread, outside the cache's locks: it must not
    /// block (queue the work). A publisher that throws is isolated like a hook.
    /// </summary>
    /// <param name="request">The request as applied.</param>
    /// <param name="result">Its local result, with its sequence number.</param>
    void OnApplied(InvalidationRequest request, InvalidationResult result);

    /// <summary>
    /// Called by <see cref="IFileCache.InvalidateAsync(InvalidationRequest, CancellationToken)"/> after
    /// <see cref="OnApplied"/>: the task's result is what the caller gets (typically <paramref name="result"/> with its
    /// <see cref="InvalidationResult.Acknowledgement"/> set). It must complete within its own bounded timeout, and honour
    /// <paramref name="cancellationToken"/>.
    /// </summary>
    /// <param name="request">The request as applied.</param>
    /// <param name="result">Its local result.</param>
    /// <param name="cancellationToken">The caller's cancellation.</param>
    /// <returns>The result to return to the caller.</returns>
    ValueTask<InvalidationResult> CompleteAsync(InvalidationRequest request, InvalidationResult result, CancellationToken cancellationToken);
}

/// <summary>The controls a cache hands its <see cref="IInvalidationPublisher"/>.</summary>
public interface ICoherenceTarget
{
    /// <summary>
    /// Applies an invalidation that another node published: the same path as a local one (strategies, hooks, cascades,
    /// load fences, a sequence number), but not handed back to <see cref="IInvalidationPublisher.OnApplied"/>.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <returns>Its local result.</returns>
    InvalidationResult ApplyRemote(InvalidationRequest request);

    /// <summary>
    /// Applies an invalidation that another node published, recorded with the cause it had where it was applied first
    /// (a watcher's change, a version mismatch, an overflow...): statistics, metrics and hooks on this node see that
    /// cause, and a deletion or an overflow cannot be vetoed here either.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="cause">Its cause at the origin.</param>
    /// <param name="isDeletion">Whether it reported deleted files at the origin (then it cannot be vetoed).</param>
    /// <returns>Its local result.</returns>
    InvalidationResult ApplyRemote(InvalidationRequest request, InvalidationCause cause, bool isDeletion) => ApplyRemote(request);

    /// <summary>
    /// Demotes every entry (of one project, or of all): a cached file is checked against its source (its version
    /// probed) before its next hit is served, and dropped if it changed; values that cannot be checked (derived data,
    /// values set by the caller, files of a source without a version check) are dropped; loads under way do not cache
    /// their results. Use it when invalidations may have been missed.
    /// </summary>
    /// <param name="project">A project, or <see langword="null"/> for every project.</param>
    /// <param name="keepUncheckable">
    /// True for a periodic revalidation: only files are marked for a check; values that cannot be checked stay (those that
    /// declared their files as dependencies follow them when a check finds a change), and loads under way are not fenced.
    /// </param>
    /// <returns>The number of entries demoted or dropped.</returns>
    int Demote(string? project = null, bool keepUncheckable = false);

    /// <summary>
    /// Gets or sets a value indicating whether every hit of a file is checked against its source first, and derived
    /// values are not cached (served to their callers only). Set it while this node cannot vouch for its entries (for
    /// example its read lease expired); setting it also demotes every entry. Clearing it restores the normal trust: a
    /// checked file is then trusted for <see cref="InvalidationOptions.ValidationInterval"/> between checks.
    /// </summary>
    bool VerifyEveryRead { get; set; }

    /// <summary>
    /// Sets this node's read-lease deadline, a timestamp of the cache's <see cref="TimeProvider"/>
    /// (<see cref="TimeProvider.GetTimestamp"/>). Until it, hits are served on trust; from it on, every hit is checked
    /// first (a cached file against its source's version; any other value is loaded again), whether or not a timer has
    /// run since: a process paused past its lease and resumed serves nothing unverified. Renew it with each lease
    /// renewal; <see cref="long.MaxValue"/> removes the deadline (a single node).
    /// </summary>
    /// <param name="timestamp">The deadline, or <see cref="long.MaxValue"/> for none.</param>
    void TrustUntil(long timestamp);
}
