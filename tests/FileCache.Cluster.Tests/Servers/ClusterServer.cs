using System.Net;
using FileCache.Redis.Testing;
using StackExchange.Redis;

namespace FileCache.Cluster.Tests.Servers;

/// <summary>
/// The Redis-compatible server a cluster test runs against. By default an in-process Garnet server on a free loopback
/// port (no set-up); <c>FILECACHE_REDIS</c> chooses another: <c>redis-server</c> (the tests start Debian's binary
/// themselves, on a free port) or <c>host:port</c> (an external server; restarting it empty is FLUSHALL and every client
/// disconnected). A server that was asked for and is missing fails the test: it never skips.
/// </summary>
public abstract class ClusterServer : IAsyncDisposable
{
    /// <summary>The environment variable that chooses the server.</summary>
    public const string Variable = "FILECACHE_REDIS";

    /// <summary>Gets the server's endpoint.</summary>
    public abstract IPEndPoint EndPoint { get; }

    /// <summary>Gets what the server is (for reports).</summary>
    public abstract string Kind { get; }

    /// <summary>Starts the server the environment asks for.</summary>
    /// <returns>The started server, answering PING.</returns>
    /// <exception cref="InvalidOperationException">The server asked for cannot be started or reached.</exception>
    public static async Task<ClusterServer> StartAsync()
    {
        string? wanted = Environment.GetEnvironmentVariable(Variable);
        ClusterServer server = string.IsNullOrWhiteSpace(wanted) || wanted.Equals("garnet", StringComparison.OrdinalIgnoreCase)
            ? new EmbeddedGarnet(FreePort())
            : wanted.Equals("redis-server", StringComparison.OrdinalIgnoreCase)
                ? await RedisServerProcess.StartAsync(FreePort())
                : new ExternalServer(ParseEndPoint(wanted));
        try
        {
            await server.WaitReadyAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Makes the server lose every key and every connection, as a restart without persistence does.</summary>
    /// <returns>A task that completes when the server answers again, empty.</returns>
    public abstract Task RestartEmptyAsync();

    /// <inheritdoc/>
    public abstract ValueTask DisposeAsync();

    /// <summary>Returns a free loopback port.</summary>
    /// <returns>The port.</returns>
    public static int FreePort() => LoopbackServers.FreePort();

    /// <summary>Opens a client connection to the server (tests use it for set-up and inspection).</summary>
    /// <returns>The connection.</returns>
    public Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
    {
        EndPoints = { EndPoint },
        AllowAdmin = true,
        AbortOnConnectFail = false,
        ConnectTimeout = 2000,
    });

    /// <summary>Waits until the server answers PING.</summary>
    /// <returns>A task.</returns>
    /// <exception cref="InvalidOperationException">No answer within 15 seconds.</exception>
    protected async Task WaitReadyAsync()
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(15);
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await using ConnectionMultiplexer redis = await ConnectAsync();
                await redis.GetDatabase().PingAsync();
                return;
            }
            catch (Exception e)
            {
                last = e;
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException($"The {Kind} server at {EndPoint} ({Variable}={Environment.GetEnvironmentVariable(Variable) ?? "unset"}) does not answer.", last);
    }

    private static IPEndPoint ParseEndPoint(string text)
    {
        string[] parts = text.Split(':');
        if (parts.Length != 2 || !int.TryParse(parts[1], out int port))
        {
            throw new InvalidOperationException($"{Variable} must be 'garnet', 'redis-server' or host:port (was '{text}').");
        }

        IPAddress address = IPAddress.TryParse(parts[0], out IPAddress? ip) ? ip : Dns.GetHostAddresses(parts[0])[0];
        return new IPEndPoint(address, port);
    }
}
