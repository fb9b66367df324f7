using FileCache.Cluster;
using FileCache.Redis.Internal;
using StackExchange.Redis;

namespace FileCache.Redis.Coherence;

/// <summary>
/// The node as an <see cref="IClusterMembership"/>: the live members by the server's clock (with the addresses they
/// advertise) and this node's applied sequence, for layers that route loads between nodes without depending on this one.
/// </summary>
internal sealed partial class RedisCoherenceNode
{
    /// <inheritdoc/>
    long IClusterMembership.AppliedSequence => Volatile.Read(ref _lastApplied);

    /// <inheritdoc/>
    bool IClusterMembership.IsHealthy => _state == RedisNodeState.Healthy;

    /// <inheritdoc/>
    async ValueTask<IReadOnlyList<ClusterMember>> IClusterMembership.GetMembersAsync(CancellationToken cancellationToken)
    {
        var db = _db;
        if (db is null)
        {
            return [];
        }

        RedisResult[] result;
        try
        {
            result = (RedisResult[])(await db.ScriptEvaluateAsync(Scripts.LiveMembers, [_keys.Members, _keys.Addresses])
                .WaitAsync(cancellationToken).ConfigureAwait(false))!;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            RedisLog.CallFailed(_logger, ex, NodeId, "read the members");
            throw;
        }

        var members = new ClusterMember[result.Length / 2];
        for (int i = 0; i < members.Length; i++)
        {
            string address = (string)result[(2 * i) + 1]!;
            members[i] = new ClusterMember((string)result[2 * i]!, address.Length == 0 ? null : address);
        }

        return members;
    }

    /// <inheritdoc/>
    async ValueTask<bool> IClusterMembership.CatchUpAsync(long sequence, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _lastApplied) >= sequence)
        {
            return true;
        }

        if (_db is null || _state == RedisNodeState.Stopped)
        {
            return false;
        }

        try
        {
            await ApplyPendingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            RedisLog.CallFailed(_logger, ex, NodeId, "catch up on the log");
            return false;
        }

        return Volatile.Read(ref _lastApplied) >= sequence;
    }
}
