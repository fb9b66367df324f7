namespace FileCache.Cluster;

/// <summary>
/// What a distributed layer knows about the cluster this node belongs to: the live members (with the address each one
/// advertises for its peers) and how far this node has applied the cluster's invalidation log. Implemented by a coherence
/// layer (for example <c>Ferrule.FileCache.Redis</c>, which registers it when <c>AddRedisCoherence</c> is called) and read
/// by layers that route loads between nodes (<c>Ferrule.FileCache.Peers</c>), so neither depends on the other.
/// </summary>
public interface IClusterMembership
{
    /// <summary>Gets this node's identity in the membership.</summary>
    string NodeId { get; }

    /// <summary>
    /// Gets the sequence number of the last entry of the cluster's invalidation log this node applied (0 before any).
    /// A node that has applied up to <c>n</c> has dropped every version that an invalidation numbered <c>n</c> or less
    /// made stale.
    /// </summary>
    long AppliedSequence { get; }

    /// <summary>
    /// Gets a value indicating whether this node is a healthy member: its lease holds and its applied sequence vouches for
    /// its entries. A node that is not may still serve reads (it verifies each against its source).
    /// </summary>
    bool IsHealthy { get; }

    /// <summary>
    /// Reads the members whose lease has not expired (by the coordinating server's clock): a node that left, or stopped
    /// renewing, drops out once its lease runs out.
    /// </summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The live members, this node included when it is one.</returns>
    ValueTask<IReadOnlyList<ClusterMember>> GetMembersAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies the log up to at least <paramref name="sequence"/> if it is not already, and tells whether this node is
    /// now there (<see cref="AppliedSequence"/> at least <paramref name="sequence"/>).
    /// </summary>
    /// <param name="sequence">The sequence to reach.</param>
    /// <param name="cancellationToken">Stops waiting (the caller bounds the wait with it).</param>
    /// <returns><see langword="true"/> when this node has applied <paramref name="sequence"/>.</returns>
    ValueTask<bool> CatchUpAsync(long sequence, CancellationToken cancellationToken = default);
}

/// <summary>A live member of a cluster, as <see cref="IClusterMembership.GetMembersAsync"/> reports it.</summary>
/// <param name="NodeId">The member's identity.</param>
/// <param name="Address">The address it advertises to its peers (an absolute <c>http</c> or <c>https</c> URI), or <see langword="null"/> when it advertises none.</param>
public sealed record ClusterMember(string NodeId, string? Address);
