namespace FileCache.Invalidation;

/// <summary>
/// What <see cref="IFileCache.InvalidateAsync(InvalidationRequest, CancellationToken)"/> knows about the other nodes when it
/// returns (see <see cref="InvalidationResult.Acknowledgement"/>). A cache without a distributed layer answers
/// <see cref="Local"/>.
/// </summary>
public enum InvalidationAcknowledgement
{
    /// <summary>No distributed layer: the invalidation was applied to this cache, which is all there is.</summary>
    Local = 0,

    /// <summary>Every live member of the cluster applied the invalidation, or its read lease expired.</summary>
    Acknowledged = 1,

    /// <summary>The invalidation is in the cluster's log, but some live member did not apply it within the acknowledgement timeout.</summary>
    TimedOut = 2,

    /// <summary>The distributed layer could not publish or follow the invalidation (for example the server is unreachable): only this node applied it.</summary>
    Degraded = 3,

    /// <summary>The invalidation was handed to the distributed layer without waiting for the others (fire and forget).</summary>
    NotAwaited = 4,
}
