namespace FileCache.Peers.Membership;

/// <summary>A fixed list of members (<see cref="PeerOptions.Members"/>, typically bound from configuration).</summary>
internal sealed class StaticPeerMembership : IPeerMembership
{
    public StaticPeerMembership(IEnumerable<PeerNode> members) => Members = [.. members];

    public IReadOnlyList<PeerNode> Members { get; }
}
