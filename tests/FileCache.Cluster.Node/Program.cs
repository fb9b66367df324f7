using System.Net;
using System.Net.Sockets;
using FileCache.Cluster.Node;

// Usage: FileCache.Cluster.Node --name N --root DIR --history FILE [--server host:port] [--cluster NAME]
//          [--lease-ms 1000] [--poll-ms 100] [--ack-timeout-ms 5000] [--revalidate-ms 2000] [--l2] [--no-lease-check] [--watch]
//          [--broken stale-memo] [--listen PORT] [--locks DIR] [--payload BYTES] [--option Name=Value]... (TimeSpan values in ms)
// Prints "ready" once the node is a member, then answers one line per command line, from stdin (and from each
// connection to --listen): read PATH | invalidate PATH [ack|fire] | write PATH [ack|fire] | storm DIR N | readers N | stats | files | quit.
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
