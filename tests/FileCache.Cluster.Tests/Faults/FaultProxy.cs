using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FileCache.Cluster.Tests.Faults;

/// <summary>
/// A loopback TCP proxy for one link (a node to the server), with faults switched on and off while connections are open:
/// latency, black hole (a partition: nothing moves either way until healed, as TCP would hold it), reset (every open
/// connection aborted with RST, and new ones while <see cref="RefuseNew"/>), corruption (a byte flipped in the middle of
/// large server replies, where the payloads are) and lost pub/sub (what the server pushes to a connection that
/// subscribed is dropped, while commands still work).
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Link> _links = [];
    private readonly Lock _gate = new();
    private readonly Task _accepting;
    private volatile TaskCompletionSource _healed = NewHealed(completed: true);
    private long _corrupted;
    private long _droppedPushes;

    /// <summary>Starts a proxy on a free loopback port in front of <paramref name="target"/>.</summary>
    /// <param name="target">The server.</param>
    public FaultProxy(IPEndPoint target)
    {
        ArgumentNullException.ThrowIfNull(target);
        _target = target;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        EndPoint = (IPEndPoint)_listener.LocalEndpoint;
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>Gets the proxy's endpoint: point the node here.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>Gets or sets the delay added to every chunk, each way.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Gets or sets whether a byte in the middle of each server reply chunk of 1 KiB or more is flipped.</summary>
    public bool CorruptLargeReplies { get; set; }

    /// <summary>Gets or sets whether what the server sends on a connection that subscribed (the doorbells) is dropped.</summary>
    public bool DropPubSub { get; set; }

    /// <summary>Gets or sets whether new connections are reset as soon as they are accepted.</summary>
    public bool RefuseNew { get; set; }

    /// <summary>Gets the number of chunks corrupted so far.</summary>
    public long Corrupted => Interlocked.Read(ref _corrupted);

    /// <summary>Gets the number of chunks dropped from subscribed connections so far.</summary>
    public long DroppedPushes => Interlocked.Read(ref _droppedPushes);

    /// <summary>Gets the number of connections open now.</summary>
    public int OpenConnections
    {
        get
        {
            lock (_gate)
            {
                return _links.Count;
            }
        }
    }

    /// <summary>Cuts the link: nothing is forwarded either way (bytes wait, as in a partition) until <see cref="Heal"/>.</summary>
    public void BlackHole()
    {
        if (_healed.Task.IsCompleted)
        {
            _healed = NewHealed(completed: false);
        }
    }

    /// <summary>Ends a black hole: what waited is forwarded.</summary>
    public void Heal() => _healed.TrySetResult();

    /// <summary>Aborts every open connection with a TCP reset.</summary>
    public void ResetAll()
    {
        Link[] links;
        lock (_gate)
        {
            links = [.. _links];
        }

        foreach (Link link in links)
        {
            link.Reset();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Heal();
        ResetAll();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private static TaskCompletionSource NewHealed(bool completed)
    {
        var healed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            healed.SetResult();
        }

        return healed;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client = await _listener.AcceptSocketAsync(_stop.Token);
            if (RefuseNew)
            {
                client.LingerState = new LingerOption(true, 0);
                client.Close();
                continue;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        var link = new Link(client, server);
        try
        {
            await server.ConnectAsync(_target, _stop.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            link.Reset();
            return;
        }

        lock (_gate)
        {
            _links.Add(link);
        }

        try
        {
            await Task.WhenAll(PumpAsync(link, client, server, toServer: true), PumpAsync(link, server, client, toServer: false));
        }
        finally
        {
            lock (_gate)
            {
                _links.Remove(link);
            }

            link.Reset();
        }
    }

    private async Task PumpAsync(Link link, Socket from, Socket to, bool toServer)
    {
        byte[] buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                await _healed.Task.WaitAsync(_stop.Token);
                int n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                // A partition that began while this chunk was in flight holds it too.
                await _healed.Task.WaitAsync(_stop.Token);
                if (Latency > TimeSpan.Zero)
                {
                    await Task.Delay(Latency, _stop.Token);
                }

                if (toServer)
                {
                    link.Subscribed |= Encoding.ASCII.GetString(buffer, 0, n).Contains("SUBSCRIBE", StringComparison.OrdinalIgnoreCase);
                }
                else if (DropPubSub && link.Subscribed)
                {
                    Interlocked.Increment(ref _droppedPushes);
                    continue;
                }
                else if (CorruptLargeReplies && n >= 1024)
                {
                    buffer[n / 2] ^= 0x20;
                    Interlocked.Increment(ref _corrupted);
                }

                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            link.Reset();
        }
    }

    private sealed class Link(Socket client, Socket server)
    {
        private int _reset;

        public bool Subscribed { get; set; }

        public void Reset()
        {
            if (Interlocked.Exchange(ref _reset, 1) != 0)
            {
                return;
            }

            foreach (Socket socket in (Socket[])[client, server])
            {
                try
                {
                    socket.LingerState = new LingerOption(true, 0);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                }

                socket.Close();
            }
        }
    }
}
