namespace FileCache.Invalidation;

/// <summary>Invalidation counters of a cache, in a snapshot.</summary>
public sealed class InvalidationStatistics
{
    private readonly long[] _byCause;

    internal InvalidationStatistics(long[] byCause, long requests, long vetoes, long hookFailures, long watcherOverflows, long pollingFallbacks, long stormsCollapsed, long staleServed, long refreshes, long unchangedKept, long refreshFailures)
    {
        _byCause = byCause;
        Requests = requests;
        Vetoes = vetoes;
        HookFailures = hookFailures;
        WatcherOverflows = watcherOverflows;
        PollingFallbacks = pollingFallbacks;
        StormsCollapsed = stormsCollapsed;
        StaleServed = staleServed;
        Refreshes = refreshes;
        UnchangedKept = unchangedKept;
        RefreshFailures = refreshFailures;
    }

    /// <summary>
    /// Gets the sequence number of the last invalidation applied (<see cref="InvalidationResult.Sequence"/>), or 0 when
    /// none has been. Every applied invalidation, whatever path it came by, takes the next number.
    /// </summary>
    public long LastSequence { get; internal init; }

    /// <summary>Gets the invalidation requests applied (explicit, watcher batches, version checks).</summary>
    public long Requests { get; }

    /// <summary>Gets the requests vetoed by a hook, and vetoes refused because the request reported a deletion.</summary>
    public long Vetoes { get; }

    /// <summary>Gets the hook calls that threw (isolated; the invalidation went on).</summary>
    public long HookFailures { get; }

    /// <summary>Gets the watcher buffer overflows and errors (each invalidated its project).</summary>
    public long WatcherOverflows { get; }

    /// <summary>Gets the projects that fell back to polling because a watcher could not start.</summary>
    public long PollingFallbacks { get; }

    /// <summary>Gets the change storms collapsed into directory invalidations.</summary>
    public long StormsCollapsed { get; }

    /// <summary>Gets the reads served a stale (soft-invalidated) value.</summary>
    public long StaleServed { get; }

    /// <summary>Gets the background refreshes that succeeded.</summary>
    public long Refreshes { get; }

    /// <summary>
    /// Gets the changed files that were found to hold the same bytes as cached (with
    /// <see cref="InvalidationOptions.ComputeContentHash"/>): their entries and dependants were kept, not invalidated.
    /// </summary>
    public long UnchangedKept { get; }

    /// <summary>Gets the background refreshes that failed (the old value was kept, up to the maximum staleness).</summary>
    public long RefreshFailures { get; }

    /// <summary>Gets the entries invalidated for a cause.</summary>
    /// <param name="cause">The cause.</param>
    /// <returns>The count.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cause"/> is not a defined value.</exception>
    public long GetCount(InvalidationCause cause)
    {
        if ((uint)cause >= (uint)_byCause.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(cause), cause, "Unknown invalidation cause.");
        }

        return _byCause[(int)cause];
    }
}
