namespace FileCache.Invalidation;

/// <summary>The outcome of <see cref="IFileCache.InvalidateAsync(InvalidationRequest, CancellationToken)"/>.</summary>
/// <param name="Invalidated">Entries removed or marked stale, cascades and hook additions included.</param>
/// <param name="Vetoed"><see langword="true"/> when a hook vetoed the request (nothing was invalidated).</param>
/// <param name="VetoReason">The vetoing hook's reason.</param>
/// <param name="Sequence">
/// The number this cache gave the invalidation when it applied it: each applied invalidation gets the next one
/// (1, 2, ...), in the order they were applied, whatever path they came by; 0 for a vetoed request. A distributed
/// log will carry it; <see cref="InvalidationStatistics.LastSequence"/> is the last one given.
/// </param>
public readonly record struct InvalidationResult(int Invalidated, bool Vetoed, string? VetoReason, long Sequence)
{
    /// <summary>Gets what is known about the other nodes of a cluster (set by an <see cref="IInvalidationPublisher"/>).</summary>
    /// <value><see cref="InvalidationAcknowledgement.Local"/> for a cache without a distributed layer.</value>
    public InvalidationAcknowledgement Acknowledgement { get; init; }

    /// <summary>Gets the invalidation's number in the cluster's log, or 0 when it was not published there.</summary>
    public long ClusterSequence { get; init; }
}
