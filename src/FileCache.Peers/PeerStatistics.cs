namespace FileCache.Peers;

/// <summary>What the peer layer of one node did since it started (<see cref="IFileCachePeers.GetStatistics"/>).</summary>
public sealed record PeerStatistics
{
    /// <summary>Gets the misses this node sent to an owner.</summary>
    public long Forwarded { get; init; }

    /// <summary>Gets the misses an owner answered with checked bytes (no local load).</summary>
    public long PeerHits { get; init; }

    /// <summary>Gets the misses this node loaded itself because it owns the key (or no other node is known).</summary>
    public long OwnedLoads { get; init; }

    /// <summary>Gets the misses loaded locally after a failed, refused, timed-out or skipped (open circuit) call to an owner.</summary>
    public long Fallbacks { get; init; }

    /// <summary>Gets the responses refused because their bytes failed their hash (or length).</summary>
    public long HashRejections { get; init; }

    /// <summary>Gets the responses refused because the local source shows another version than the owner sent.</summary>
    public long VersionRejections { get; init; }

    /// <summary>Gets the owners' "behind on the invalidation log" answers this node received.</summary>
    public long OwnerBehind { get; init; }

    /// <summary>Gets the calls skipped because the owner's circuit was open.</summary>
    public long CircuitSkips { get; init; }

    /// <summary>Gets the peer requests this node served as an owner.</summary>
    public long Served { get; init; }

    /// <summary>Gets the peer requests this node refused as unauthenticated (401).</summary>
    public long Unauthorized { get; init; }

    /// <summary>Gets the peer requests this node refused because it does not own the key in its view (421).</summary>
    public long Misdirected { get; init; }

    /// <summary>Gets the fetched keys kept by this node because they were hot (see <see cref="PeerOptions.HotKeyThreshold"/>).</summary>
    public long Mirrored { get; init; }

    /// <summary>Gets the fetched keys served but not kept (not hot, or the mirror budget was full).</summary>
    public long NotMirrored { get; init; }
}
