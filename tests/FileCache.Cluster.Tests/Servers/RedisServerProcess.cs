using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace FileCache.Cluster.Tests.Servers;

/// <summary>A <c>redis-server</c> process (Debian's, from PATH) on a loopback port without persistence; restarting it empty kills and starts it again.</summary>
public sealed class RedisServerProcess : ClusterServer
{
    private readonly int _port;
    private Process? _process;

    private RedisServerProcess(int port) => _port = port;

    /// <inheritdoc/>
    public override IPEndPoint EndPoint => new(IPAddress.Loopback, _port);

    /// <inheritdoc/>
    public override string Kind => "redis-server (process)";

    /// <summary>Starts redis-server on a port.</summary>
    /// <param name="port">The port.</param>
    /// <returns>The server.</returns>
    /// <exception cref="InvalidOperationException">redis-server is not installed.</exception>
    public static Task<RedisServerProcess> StartAsync(int port)
    {
        var server = new RedisServerProcess(port);
        server.Launch();
        return Task.FromResult(server);
    }

    /// <inheritdoc/>
    public override async Task RestartEmptyAsync()
    {
        await StopAsync();
        Launch();
        await WaitReadyAsync();
    }

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync() => await StopAsync();

    private void Launch()
    {
        var start = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in (string[])["--port", _port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{Variable}=redis-server but redis-server is not installed (apt-get install redis-server).", e);
        }

        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private async Task StopAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                process.Kill();
            }

            await process.WaitForExitAsync();
            process.Dispose();
        }
    }
}
