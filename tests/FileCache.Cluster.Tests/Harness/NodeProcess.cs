using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Channels;

namespace FileCache.Cluster.Tests.Harness;

/// <summary>
/// A node host process (tests/FileCache.Cluster.Node) driven over its stdin and stdout: one command, one reply line.
/// Process faults: SIGKILL, SIGSTOP and SIGCONT, and a restart with the same arguments (the history is appended to).
/// </summary>
public sealed partial class NodeProcess : IAsyncDisposable
{
    private const int SigCont = 18;
    private const int SigStop = 19;

    private readonly IReadOnlyList<string> _arguments;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly StringBuilder _stderr = new();
    private Process _process = null!;
    private Channel<string> _lines = null!;
    private bool _disposed;
    private volatile bool _ready;

    private NodeProcess(string name, IReadOnlyList<string> arguments)
    {
        Name = name;
        _arguments = arguments;
    }

    /// <summary>Gets the node's name.</summary>
    public string Name { get; }

    /// <summary>Gets whether the process is stopped by SIGSTOP.</summary>
    public bool IsPaused { get; private set; }

    /// <summary>Gets whether the process is running (not killed).</summary>
    public bool IsAlive => _ready && !_process.HasExited;

    /// <summary>Gets what the process wrote to stderr (for failure messages).</summary>
    public string Errors
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts a node and waits for it to say ready.</summary>
    /// <param name="name">The node's name.</param>
    /// <param name="arguments">Its command line after the assembly.</param>
    /// <returns>The node.</returns>
    public static async Task<NodeProcess> StartAsync(string name, IReadOnlyList<string> arguments)
    {
        var node = new NodeProcess(name, arguments);
        await node.LaunchAsync();
        return node;
    }

    /// <summary>Sends a command and returns the reply line.</summary>
    /// <param name="command">The command.</param>
    /// <param name="timeout">How long to wait for the reply (default 30 s).</param>
    /// <returns>The reply.</returns>
    public async Task<string> SendAsync(string command, TimeSpan? timeout = null)
    {
        await _turn.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(command);
            await _process.StandardInput.FlushAsync();
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
            try
            {
                return await _lines.Reader.ReadAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{Name} did not answer '{command}'. stderr: {Errors}");
            }
            catch (ChannelClosedException)
            {
                throw new InvalidOperationException($"{Name} exited while answering '{command}'. stderr: {Errors}");
            }
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Stops the process with SIGSTOP: it holds its state and its connections, and does nothing.</summary>
    public void Pause()
    {
        Signal(SigStop);
        IsPaused = true;
    }

    /// <summary>Resumes a paused process with SIGCONT.</summary>
    public void Resume()
    {
        Signal(SigCont);
        IsPaused = false;
    }

    /// <summary>Kills the process with SIGKILL (no clean-up runs) and waits for it to exit.</summary>
    /// <returns>A task.</returns>
    public async Task KillAsync()
    {
        _ready = false;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        IsPaused = false;
    }

    /// <summary>Starts the process again with the same arguments (after <see cref="KillAsync"/>).</summary>
    /// <returns>A task that completes when it is ready.</returns>
    public Task RestartAsync() => LaunchAsync();

    /// <summary>Asks the node to quit, or kills it after 15 seconds.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            if (IsPaused)
            {
                Resume();
            }

            try
            {
                await _process.StandardInput.WriteLineAsync("quit");
                await _process.StandardInput.FlushAsync();
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
            }
            catch (Exception)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        _turn.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    private async Task LaunchAsync()
    {
        await _turn.WaitAsync();
        try
        {
            await LaunchCoreAsync();
            _ready = true;
        }
        finally
        {
            _turn.Release();
        }
    }

    private async Task LaunchCoreAsync()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "FileCache.Cluster.Node.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        foreach (string argument in _arguments)
        {
            start.ArgumentList.Add(argument);
        }

        _lines = Channel.CreateUnbounded<string>();
        _process = Process.Start(start) ?? throw new InvalidOperationException($"{Name} did not start.");
        Channel<string> lines = _lines;
        Process process = _process;
        _ = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                await lines.Writer.WriteAsync(line);
            }

            lines.Writer.TryComplete();
        });
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string ready;
        try
        {
            ready = await _lines.Reader.ReadAsync(cts.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            throw new InvalidOperationException($"{Name} did not start. stderr: {Errors}", e);
        }

        if (ready != "ready")
        {
            throw new InvalidOperationException($"{Name} said '{ready}' instead of ready. stderr: {Errors}");
        }
    }
}
