using System.Net;
using StackExchange.Redis;

namespace FileCache.Cluster.Tests.Servers;

/// <summary>A server someone else runs (<c>FILECACHE_REDIS=host:port</c>); restarting it empty is FLUSHALL and every other client disconnected.</summary>
/// <param name="endPoint">The server.</param>
public sealed class ExternalServer(IPEndPoint endPoint) : ClusterServer
{
    /// <inheritdoc/>
    public override IPEndPoint EndPoint { get; } = endPoint;

    /// <inheritdoc/>
    public override string Kind => $"external ({EndPoint})";

    /// <inheritdoc/>
    public override async Task RestartEmptyAsync()
    {
        await using (ConnectionMultiplexer redis = await ConnectAsync())
        {
            IServer server = redis.GetServer(EndPoint);
            await server.FlushAllDatabasesAsync();
            // What a restart does to the clients: every connection (commands and subscriptions) is dropped.
            await server.ExecuteAsync("CLIENT", "KILL", "SKIPME", "yes");
        }

        await WaitReadyAsync();
    }

    /// <inheritdoc/>
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
