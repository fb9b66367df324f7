using FileCache.Cluster;
using Microsoft.Extensions.Logging;

namespace FileCache.Peers.Membership;

/// <summary>
/// Members from the coherence layer's member table (<see cref="IClusterMembership"/>): the live members (by the server's
/// lease clock) that advertise an address, read every <see cref="PeerOptions.MembershipRefreshInterval"/>. A node that
/// leaves, or stops renewing, is dropped once its lease expires.
/// </summary>
internal sealed class ClusterPeerMembership : RefreshingPeerMembership
{
    private readonly IClusterMembership _cluster;

    public ClusterPeerMembership(IClusterMembership cluster, PeerOptions options, TimeProvider time, ILogger logger)
        : base(time, options.MembershipRefreshInterval, logger)
    {
        _cluster = cluster;
    }

    protected override async Task<IReadOnlyList<PeerNode>> ReadAsync(CancellationToken cancellationToken)
    {
        var members = await _cluster.GetMembersAsync(cancellationToken).ConfigureAwait(false);
        return [.. members
            .Where(static m => m.Address is not null && Uri.TryCreate(m.Address, UriKind.Absolute, out _))
            .OrderBy(static m => m.NodeId, StringComparer.Ordinal)
            .Select(static m => new PeerNode(m.NodeId, new Uri(m.Address!)))];
    }
}
