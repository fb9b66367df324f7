namespace FileCache.Redis;

/// <summary>Arguments of <see cref="IRedisCoherence.StateChanged"/>.</summary>
/// <param name="previous">The state before.</param>
/// <param name="current">The state now.</param>
/// <param name="reason">Why.</param>
public sealed class RedisNodeStateChangedEventArgs(RedisNodeState previous, RedisNodeState current, string? reason) : EventArgs
{
    /// <summary>Gets the state before the change.</summary>
    public RedisNodeState Previous { get; } = previous;

    /// <summary>Gets the state now.</summary>
    public RedisNodeState Current { get; } = current;

    /// <summary>Gets why the state changed.</summary>
    public string? Reason { get; } = reason;
}
