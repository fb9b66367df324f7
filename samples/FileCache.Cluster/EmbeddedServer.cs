using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Garnet;

namespace FileCache.ClusterSample;

/// <summary>An in-process Garnet server on a free loopback port, with Lua on and no persistence: the sample needs no set-up.</summary>
internal sealed class EmbeddedServer : IDisposable
{
    private readonly GarnetServer _server;

    public EmbeddedServer()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _server = new GarnetServer(
            ["--bind", "127.0.0.1", "--port", Port.ToString(CultureInfo.InvariantCulture), "--lua", "true", "--lua-transaction-mode", "true", "--memory", "64m", "--index", "16m", "--logger-level", "Error"],
            loggerFactory: null,
            cleanupDir: false); // clean-up deletes the current folder's logs: never with an in-memory server
        _server.Start();
    }

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public void Dispose() => _server.Dispose();
}
