using Garnet;
using StackExchange.Redis;

namespace FileCache.Redis.Testing;

/// <summary>
/// The server the Redis tests, the cluster harness, the benchmarks and the samples run against: the external server named
/// by the environment variable <c>FILECACHE_REDIS</c> (for example <c>127.0.0.1:6379</c>, Debian's redis-server in CI),
/// or else an in-process Microsoft Garnet server on a free loopback port with Lua on. A named server that cannot be
/// reached fails the caller: it never falls back silently.
/// </summary>
public sealed class RedisTestServer : IAsyncDisposable
{
    /// <summary>The environment variable naming an external server.</summary>
    public const string EnvironmentVariable = "FILECACHE_REDIS";

    /// <summary>Garnet's hash index for these tests' few keys.</summary>
    private const string IndexSize = "1m";

    private GarnetServer? _garnet;

    private RedisTestServer(string endpoint, int port, GarnetServer? garnet)
    {
        Endpoint = endpoint;
        Port = port;
        _garnet = garnet;
    }

    /// <summary>Gets the server's <c>host:port</c>.</summary>
    public string Endpoint { get; }

    /// <summary>Gets the server's port.</summary>
    public int Port { get; }

    /// <summary>Gets a value indicating whether the server is the embedded Garnet (false: the external one).</summary>
    public bool IsEmbedded => _garnet is not null || ExternalEndpoint is null;

    /// <summary>Gets the server's name for reports: <c>garnet</c> or <c>external</c>.</summary>
    public string Kind => _garnet is null && ExternalEndpoint is not null ? "external" : "garnet";

    /// <summary>Gets a StackExchange.Redis configuration string for the server (admin commands allowed, reconnects on).</summary>
    public string Configuration => $"{Endpoint},allowAdmin=true,abortConnect=false,connectTimeout=2000,syncTimeout=5000,asyncTimeout=5000";

    /// <summary>Gets the external server named by <see cref="EnvironmentVariable"/>, or <see langword="null"/>.</summary>
    public static string? ExternalEndpoint => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value ? value : null;

    /// <summary>Starts an embedded Garnet, or checks the external server answers.</summary>
    /// <returns>The server.</returns>
    public static async Task<RedisTestServer> StartAsync()
    {
        if (ExternalEndpoint is { } external)
        {
            int port = int.Parse(external[(external.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            var server = new RedisTestServer(external, port, null);
            try
            {
                await using var connection = await server.ConnectAsync().ConfigureAwait(false);
                await connection.GetDatabase().PingAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"{EnvironmentVariable}={external} names a server that does not answer.", ex);
            }

            return server;
        }

        int free = LoopbackServers.FreePort();
        return new RedisTestServer($"127.0.0.1:{free}", free, LoopbackServers.StartGarnet(free, IndexSize));
    }

    /// <summary>Connects a new multiplexer (the caller disposes it).</summary>
    /// <returns>The connection.</returns>
    public async Task<ConnectionMultiplexer> ConnectAsync() => await ConnectionMultiplexer.ConnectAsync(Configuration).ConfigureAwait(false);

    /// <summary>Deletes every key (the server as if restarted empty, but connections stay).</summary>
    /// <returns>A task.</returns>
    public async Task FlushAsync()
    {
        await using var connection = await ConnectAsync().ConfigureAwait(false);
        foreach (var endpoint in connection.GetEndPoints())
        {
            await connection.GetServer(endpoint).FlushAllDatabasesAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Restarts the server empty: the embedded Garnet is stopped and a new one started on the same port (clients see
    /// their connections drop and reconnect to a server without data); an external server is flushed.
    /// </summary>
    /// <returns>A task.</returns>
    public async Task RestartEmptyAsync()
    {
        if (_garnet is null)
        {
            await FlushAsync().ConfigureAwait(false);
            return;
        }

        var running = _garnet;
        _garnet = null;
        _garnet = await LoopbackServers.RestartGarnetAsync(running, Port, IndexSize).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _garnet?.Dispose();
        _garnet = null;
        return ValueTask.CompletedTask;
    }
}
