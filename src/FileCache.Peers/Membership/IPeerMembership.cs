namespace FileCache.Peers;

/// <summary>
/// Where the peer layer learns who the nodes are. Built in: a static list (<see cref="PeerOptions.Members"/>), DNS
/// (<see cref="PeerOptions.DnsName"/>, re-resolved periodically) and the coherence layer's member table
/// (<see cref="PeerOptions.UseClusterMembership"/>); or any implementation (<see cref="PeerOptions.MembershipFactory"/>).
/// </summary>
/// <remarks>
/// Views may differ between nodes for a while (a node learns of a join or a leave later than another): routing is a
/// hint, so the cost is an extra load, never stale data, and a node asked for a key it does not own answers "not owner".
/// </remarks>
public interface IPeerMembership
{
    /// <summary>
    /// Gets the current members, this node included when it is one. The list is never changed: a change publishes a new
    /// list (placement is rebuilt only when the instance changes).
    /// </summary>
    IReadOnlyList<PeerNode> Members { get; }
}
