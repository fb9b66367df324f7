using FileCache.Cluster;

namespace FileCache.AspNetCore.Tests.Dashboard;

/// <summary>A cluster provider for tests: returns <see cref="State"/>, or hangs until cancelled when <see cref="Hang"/> is set.</summary>
internal sealed class FakeClusterStatus : IFileCacheClusterStatus
{
    public FileCacheClusterState State { get; set; } = new()
    {
        NodeId = "node-a",
        AppliedSequence = 41,
        LatestSequence = 42,
        AckLatencyP50 = TimeSpan.FromMilliseconds(3),
        AckLatencyP99 = TimeSpan.FromMilliseconds(12),
        Members =
        [
            new FileCacheClusterMember { Id = "node-a", Address = "127.0.0.1:7001", IsSelf = true, IsAlive = true, Lease = FileCacheLeaseState.Held, AppliedSequence = 41 },
            new FileCacheClusterMember { Id = "node-b", Address = "127.0.0.1:7002", IsAlive = false, Lease = FileCacheLeaseState.Lost, AppliedSequence = 39 },
        ],
        Ownership =
        [
            new FileCacheClusterOwnership { Scope = "site", Owner = "node-a", Mirrors = ["node-b"] },
            new FileCacheClusterOwnership { Scope = "site:secret/path.txt", ScopeIsKey = true, Owner = "node-b" },
        ],
    };

    public bool Hang { get; set; }

    public async ValueTask<FileCacheClusterState> GetStateAsync(CancellationToken cancellationToken)
    {
        if (Hang)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return State;
    }
}
