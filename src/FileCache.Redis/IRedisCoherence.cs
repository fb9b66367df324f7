using FileCache.Invalidation;

namespace FileCache.Redis;

/// <summary>
/// A node of a FileCache cluster coordinated through a Redis-compatible server (registered by <c>AddRedisCoherence</c>).
/// Start it once (<see cref="StartAsync"/>); <see cref="IFileCache.InvalidateAsync(InvalidationRequest, CancellationToken)"/>
/// then returns once every live member applied the invalidation (see <see cref="InvalidationResult.Acknowledgement"/>).
/// </summary>
public interface IRedisCoherence : IAsyncDisposable
{
    /// <summary>Gets this node's identity.</summary>
    string NodeId { get; }

    /// <summary>
    /// Connects, joins the membership with a lease and starts following the log. Idempotent. Until it completes the node
    /// is <see cref="RedisNodeState.Starting"/> and verifies every read.
    /// </summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes once the node is a member.</returns>
    Task StartAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Invalidates through the cache's one invalidation path and publishes it, waiting for the acknowledgement or not.
    /// </summary>
    /// <param name="request">What to invalidate.</param>
    /// <param name="waitForAcknowledgement">False: fire and forget (<see cref="InvalidationAcknowledgement.NotAwaited"/>).</param>
    /// <param name="cancellationToken">Stops waiting (the invalidation stays applied and published).</param>
    /// <returns>The result, with its acknowledgement.</returns>
    ValueTask<InvalidationResult> InvalidateAsync(InvalidationRequest request, bool waitForAcknowledgement, CancellationToken cancellationToken = default);

    /// <summary>Returns once every log entry appended before the call has been applied by this node (or it demoted).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task.</returns>
    Task SynchronizeAsync(CancellationToken cancellationToken = default);

    /// <summary>Returns the node's state and counters.</summary>
    /// <returns>The snapshot.</returns>
    RedisCoherenceStatus GetStatus();

    /// <summary>Raised when the node's state changes (for example it becomes degraded), outside any lock.</summary>
    event EventHandler<RedisNodeStateChangedEventArgs>? StateChanged;
}
