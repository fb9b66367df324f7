using System.Net;
using System.Net.Sockets;
using FileCache.Cluster.Node;

// Usage: FileCache.Cluster.Node placement NODES REPLICAS (see below), or
//        FileCache.Cluster.Node --name N --root DIR --history FILE [--server host:port] [--cluster NAME]
//          [--lease-ms 1000] [--poll-ms 100] [--ack-timeout-ms 5000] [--revalidate-ms 2000] [--l2] [--no-lease-check] [--watch]
//          [--broken stale-memo] [--listen PORT] [--locks DIR] [--payload BYTES] [--option Name=Value]... (TimeSpan values in ms)
//          [--peers-listen PORT [--peers-advertise URL] [--peers-static id=url,...] [--peers-timeout-ms 1000]] (the peer layer)
// Prints "ready" once the node is a member, then answers one line per command line, from stdin (and from each
// connection to --listen): read PATH | invalidate PATH [ack|fire] | write PATH [ack|fire] | storm DIR N | readers N | burst PATH N | owner PATH | stats | files | quit.
if (args is ["placement", string nodes, string replicas])
{
    // The peer layer's placement in a separate process (tests/FileCache.Peers.Tests checks its vectors here):
    // NODES = id[=weight],...; each stdin line "project<TAB>path" is answered with its owners, best first, comma-separated.
    var placement = new FileCache.Peers.PeerPlacement(nodes.Split(',').Select(static n =>
    {
        string[] parts = n.Split('=');
        return new FileCache.Peers.PeerNode(parts[0], new Uri("http://127.0.0.1/"), parts.Length > 1 ? double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 1);
    }));
    int count = int.Parse(replicas, System.Globalization.CultureInfo.InvariantCulture);
    while (await Console.In.ReadLineAsync() is { } key)
    {
        string[] kp = key.Split('\t');
        Console.WriteLine(string.Join(',', placement.GetOwners(kp[0], kp[1], count).Select(static o => o.Id)));
    }

    return;
}

NodeArguments arguments = NodeArguments.Parse(args);
await using ClusterNode node = await ClusterNode.StartAsync(arguments);
using var quit = new CancellationTokenSource();
TcpListener? listener = null;
if (arguments.Listen != 0)
{
    listener = new TcpListener(IPAddress.Loopback, arguments.Listen);
    listener.Start();
    _ = ServeAsync(listener, node, quit);
}

Console.WriteLine("ready");
while (!quit.IsCancellationRequested && await Console.In.ReadLineAsync() is { } line)
{
    if (line.Trim() == "quit")
    {
        break;
    }

    Console.WriteLine(await node.ExecuteAsync(line));
}

listener?.Stop();
await quit.CancelAsync();
Console.WriteLine("bye");

static async Task ServeAsync(TcpListener listener, ClusterNode node, CancellationTokenSource quit)
{
    while (!quit.IsCancellationRequested)
    {
        TcpClient client;
        try
        {
            client = await listener.AcceptTcpClientAsync(quit.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            using (client)
            using (var reader = new StreamReader(client.GetStream()))
            using (var writer = new StreamWriter(client.GetStream()) { AutoFlush = true })
            {
                while (await reader.ReadLineAsync() is { } line && line.Trim() != "quit")
                {
                    await writer.WriteLineAsync(await node.ExecuteAsync(line));
                }
            }
        });
    }
}
