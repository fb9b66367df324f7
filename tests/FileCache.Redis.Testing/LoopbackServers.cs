using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Garnet;

namespace FileCache.Redis.Testing;

/// <summary>
/// What starting a Redis-compatible server for a test takes, shared by <see cref="RedisTestServer"/> (the Redis tests,
/// benchmarks and samples) and the cluster harness's servers: a free loopback port, an embedded Garnet on it, and a new
/// Garnet on the same port after the old one stopped (the "restarted empty" fault).
/// </summary>
public static class LoopbackServers
{
    // Ports handed out lie below the ephemeral ranges (Linux 32768-60999, Windows and macOS 49152-65535). A port the
    // kernel picks is an ephemeral one, and before a node process bound it, an outgoing connection of this or another
    // test could take it as its source port ("address already in use", seen in a peer scenario under CI).
    private const int FirstPort = 20_000;
    private const int PortCount = 12_000;
    private static int _nextPort = Random.Shared.Next(PortCount);

    /// <summary>Returns a loopback port that was free a moment ago, outside the range outgoing connections take ports from.</summary>
    /// <returns>The port.</returns>
    public static int FreePort()
    {
        for (int attempt = 0; attempt < PortCount; attempt++)
        {
            int port = FirstPort + (int)((uint)Interlocked.Increment(ref _nextPort) % PortCount);
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use: try the next one.
            }
        }

        using var any = new TcpListener(IPAddress.Loopback, 0);
        any.Start();
        return ((IPEndPoint)any.LocalEndpoint).Port;
    }

    /// <summary>Starts Garnet on a loopback port with Lua (and Lua transactions) on, small memory and no persistence.</summary>
    /// <param name="port">The port.</param>
    /// <param name="indexSize">The size of Garnet's hash index (<c>--index</c>, for example <c>1m</c> or <c>16m</c>).</param>
    /// <returns>The running server.</returns>
    /// <remarks>
    /// Clean-up stays off: Garnet's log and checkpoint folders default to the current folder, and its clean-up deletes
    /// them (it deleted a test's own output folder). Without a storage tier it writes nothing there.
    /// </remarks>
    public static GarnetServer StartGarnet(int port, string indexSize)
    {
        var server = new GarnetServer(
            [
                "--bind", "127.0.0.1",
                "--port", port.ToString(CultureInfo.InvariantCulture),
                "--lua", "true",
                "--lua-transaction-mode", "true",
                "--memory", "64m",
                "--index", indexSize,
                "--logger-level", "Error",
            ],
            loggerFactory: null,
            cleanupDir: false);
        server.Start();
        return server;
    }

    /// <summary>Stops <paramref name="running"/> and starts an empty Garnet on the same port, trying again while the old listener lets go of it.</summary>
    /// <param name="running">The server to stop, if any.</param>
    /// <param name="port">Its port.</param>
    /// <param name="indexSize">As for <see cref="StartGarnet"/>.</param>
    /// <returns>The new server.</returns>
    public static async Task<GarnetServer> RestartGarnetAsync(GarnetServer? running, int port, string indexSize)
    {
        running?.Dispose();
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return StartGarnet(port, indexSize);
            }
            catch (Exception) when (attempt < 50)
            {
                // The port may linger a moment after the old listener closed.
                await Task.Delay(100).ConfigureAwait(false);
            }
        }
    }
}
