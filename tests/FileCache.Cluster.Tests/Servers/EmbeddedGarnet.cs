using System.Globalization;
using System.Net;
using Garnet;

namespace FileCache.Cluster.Tests.Servers;

/// <summary>An in-process Garnet server on a loopback port; restarting it empty disposes it and starts a new one on the same port.</summary>
public sealed class EmbeddedGarnet : ClusterServer
{
    private readonly int _port;
    private GarnetServer? _server;

    /// <summary>Starts Garnet on a port.</summary>
    /// <param name="port">The port.</param>
    public EmbeddedGarnet(int port)
    {
        _port = port;
        _server = Start(port);
    }

    /// <inheritdoc/>
    public override IPEndPoint EndPoint => new(IPAddress.Loopback, _port);

    /// <inheritdoc/>
    public override string Kind => "Garnet 2.2.8 (embedded)";

    /// <summary>Starts a Garnet server with Lua, small memory and no persistence.</summary>
    /// <param name="port">The loopback port.</param>
    /// <returns>The running server.</returns>
    /// <remarks>
    /// Clean-up stays off: Garnet's log and checkpoint folders default to the current folder, and its clean-up deletes
    /// them (it deleted the test's own output folder). Without a storage tier it writes nothing there.
    /// </remarks>
    public static GarnetServer Start(int port)
    {
        var server = new GarnetServer(
            ["--bind", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--lua", "true", "--lua-transaction-mode", "true", "--memory", "64m", "--index", "16m", "--logger-level", "Error"],
            loggerFactory: null,
            cleanupDir: false);
        server.Start();
        return server;
    }

    /// <inheritdoc/>
    public override async Task RestartEmptyAsync()
    {
        _server?.Dispose();
        _server = null;
        // The port may linger for a moment after the listener closes.
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                _server = Start(_port);
                break;
            }
            catch (Exception) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }

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
