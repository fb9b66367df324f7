namespace FileCache.Redis;

/// <summary>Where a node stands with its cluster.</summary>
public enum RedisNodeState
{
    /// <summary>Not started, or joining: not yet a member.</summary>
    Starting = 0,

    /// <summary>A member with a valid lease, following the log: entries are trusted.</summary>
    Healthy = 1,

    /// <summary>
    /// The lease ran out or the server cannot be reached: every read is checked against its source (nothing unverified is
    /// served) and invalidations are applied locally only. Visible in <see cref="RedisCoherenceStatus"/>, the results
    /// (<see cref="FileCache.Invalidation.InvalidationAcknowledgement.Degraded"/>), the metrics and the logs.
    /// </summary>
    Degraded = 2,

    /// <summary>Stopped (disposed).</summary>
    Stopped = 3,
}
