namespace FileCache.Cluster;

/// <summary>
/// Reports the state of the cluster a node belongs to, for the dashboard's cluster panel and the health check.
/// Distributed layers (coherence, peers) register one in DI; without one the dashboard shows a single node.
/// </summary>
public interface IFileCacheClusterStatus
{
    /// <summary>Reads the cluster's state as this node sees it.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The state.</returns>
    ValueTask<FileCacheClusterState> GetStateAsync(CancellationToken cancellationToken);
}
