namespace FileCache.Peers;

/// <summary>The peer layer of this node (registered by <c>AddPeers</c>): its view of the owners and its counters.</summary>
public interface IFileCachePeers
{
    /// <summary>Gets this node's id.</summary>
    string NodeId { get; }

    /// <summary>Gets the placement of the current members (rebuilt when they change).</summary>
    PeerPlacement Placement { get; }

    /// <summary>Returns the owners of a file in this node's current view, best first.</summary>
    /// <param name="project">The project.</param>
    /// <param name="path">The file's canonical path relative to the project's root.</param>
    /// <returns>The owners (up to <see cref="PeerOptions.ReplicaCount"/>).</returns>
    IReadOnlyList<PeerNode> GetOwners(string project, string path);

    /// <summary>Returns the counters.</summary>
    /// <returns>A snapshot.</returns>
    PeerStatistics GetStatistics();
}
