namespace FileCache.Redis;

/// <summary>A snapshot of a node's standing in its cluster and its counters since it started.</summary>
public sealed record RedisCoherenceStatus
{
    /// <summary>Gets the node's identity.</summary>
    public required string NodeId { get; init; }

    /// <summary>Gets the node's state.</summary>
    public RedisNodeState State { get; init; }

    /// <summary>Gets a value indicating whether the node is degraded (<see cref="RedisNodeState.Degraded"/>).</summary>
    public bool IsDegraded => State == RedisNodeState.Degraded;

    /// <summary>Gets why the node is degraded, or <see langword="null"/>.</summary>
    public string? DegradedReason { get; init; }

    /// <summary>Gets the sequence number of the last log entry this node applied.</summary>
    public long LastAppliedSequence { get; init; }

    /// <summary>Gets the server incarnation the node follows (a new one means the server lost its data).</summary>
    public string? Incarnation { get; init; }

    /// <summary>Gets how long the node's lease still runs by its own clock, or <see cref="TimeSpan.Zero"/> when it ran out.</summary>
    public TimeSpan LeaseRemaining { get; init; }

    /// <summary>Gets the remote invalidations applied.</summary>
    public long Applied { get; init; }

    /// <summary>Gets the invalidations this node appended to the log.</summary>
    public long Published { get; init; }

    /// <summary>Gets the demotions (gap, sequence backwards, new incarnation, lease lost, revalidation interval).</summary>
    public long Demotions { get; init; }

    /// <summary>Gets the gaps found in the log (entries trimmed before this node read them, or a sequence that went backwards).</summary>
    public long LogGaps { get; init; }

    /// <summary>Gets the times the node's lease ran out.</summary>
    public long LeaseLosses { get; init; }

    /// <summary>Gets the acknowledgements that timed out.</summary>
    public long AcknowledgementTimeouts { get; init; }

    /// <summary>Gets the loads answered by the L2.</summary>
    public long L2Hits { get; init; }

    /// <summary>Gets the loads the L2 could not answer (then read from the source).</summary>
    public long L2Misses { get; init; }

    /// <summary>Gets the L2 payloads refused because their bytes did not match their hash.</summary>
    public long HashRejections { get; init; }
}
