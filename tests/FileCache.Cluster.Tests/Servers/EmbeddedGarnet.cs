using System.Net;
using FileCache.Redis.Testing;
using Garnet;

namespace FileCache.Cluster.Tests.Servers;

/// <summary>An in-process Garnet server on a loopback port (Lua on, small memory, no persistence); restarting it empty disposes it and starts a new one on the same port.</summary>
public sealed class EmbeddedGarnet : ClusterServer
{
    /// <summary>Garnet's hash index for the scenarios' keys (logs, members, versions of every file).</summary>
    private const string IndexSize = "16m";

    private readonly int _port;
    private GarnetServer? _server;

    /// <summary>Starts Garnet on a port.</summary>
    /// <param name="port">The port.</param>
    public EmbeddedGarnet(int port)
    {
        _port = port;
        _server = LoopbackServers.StartGarnet(port, IndexSize);
    }

    /// <inheritdoc/>
    public override IPEndPoint EndPoint => new(IPAddress.Loopback, _port);

    /// <inheritdoc/>
    public override string Kind => "Garnet 2.2.8 (embedded)";

    /// <inheritdoc/>
    public override async Task RestartEmptyAsync()
    {
        GarnetServer? running = _server;
        _server = null;
        _server = await LoopbackServers.RestartGarnetAsync(running, _port, IndexSize);
        await WaitReadyAsync();
    }

    /// <inheritdoc/>
    public override ValueTask DisposeAsync()
    {
        _server?.Dispose();
        _server = null;
        return ValueTask.CompletedTask;
    }
}
