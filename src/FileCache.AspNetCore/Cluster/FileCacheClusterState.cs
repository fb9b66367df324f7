namespace FileCache.Cluster;

/// <summary>The cluster as one node sees it.</summary>
public sealed class FileCacheClusterState
{
    /// <summary>Gets this node's identifier.</summary>
    public required string NodeId { get; init; }

    /// <summary>Gets a value indicating whether this node runs in a degraded mode (for example it lost its lease and revalidates every read).</summary>
    public bool IsDegraded { get; init; }

    /// <summary>Gets why the node is degraded, if it is.</summary>
    public string? DegradedReason { get; init; }

    /// <summary>Gets the sequence number of the last invalidation this node applied.</summary>
    public long AppliedSequence { get; init; }

    /// <summary>Gets the latest sequence number known in the cluster.</summary>
    public long LatestSequence { get; init; }

    /// <summary>Gets the median time for an invalidation to be acknowledged by every live node, if measured.</summary>
    public TimeSpan? AckLatencyP50 { get; init; }

    /// <summary>Gets the 99th percentile of the acknowledgement time, if measured.</summary>
    public TimeSpan? AckLatencyP99 { get; init; }

    /// <summary>Gets the members, this node included.</summary>
    public IReadOnlyList<FileCacheClusterMember> Members { get; init; } = [];

    /// <summary>Gets who owns what and where it is mirrored (a project, a key range or a key; keys are shown to authorised viewers only).</summary>
    public IReadOnlyList<FileCacheClusterOwnership> Ownership { get; init; } = [];
}

/// <summary>One member of a cluster.</summary>
public sealed class FileCacheClusterMember
{
    /// <summary>Gets the member's identifier.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the member's address, if it has one.</summary>
    public string? Address { get; init; }

    /// <summary>Gets a value indicating whether this member is the node reporting.</summary>
    public bool IsSelf { get; init; }

    /// <summary>Gets a value indicating whether the member is considered alive (its heartbeat is recent).</summary>
    public bool IsAlive { get; init; }

    /// <summary>Gets the state of the member's read lease.</summary>
    public FileCacheLeaseState Lease { get; init; }

    /// <summary>Gets when the member's lease runs out, if known.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>Gets the sequence number of the last invalidation the member applied.</summary>
    public long AppliedSequence { get; init; }

    /// <summary>Gets when the member was last heard from, if known.</summary>
    public DateTimeOffset? LastSeen { get; init; }
}

/// <summary>What a node owns and who mirrors it.</summary>
public sealed class FileCacheClusterOwnership
{
    /// <summary>Gets what is owned: a project, a range or a key.</summary>
    public required string Scope { get; init; }

    /// <summary>Gets a value indicating whether <see cref="Scope"/> names a key or a path (then hidden from viewers who are not authorised).</summary>
    public bool ScopeIsKey { get; init; }

    /// <summary>Gets the owning member's identifier.</summary>
    public required string Owner { get; init; }

    /// <summary>Gets the identifiers of the members holding mirrors.</summary>
    public IReadOnlyList<string> Mirrors { get; init; } = [];
}

/// <summary>The state of a member's read lease.</summary>
public enum FileCacheLeaseState
{
    /// <summary>Not known.</summary>
    Unknown = 0,

    /// <summary>Held and current.</summary>
    Held = 1,

    /// <summary>Held but close to running out.</summary>
    Expiring = 2,

    /// <summary>Lost or expired: the member revalidates every read or fails.</summary>
    Lost = 3,
}
