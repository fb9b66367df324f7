using System.Globalization;
using System.Net.Sockets;

namespace FileCache.Cluster.Tests.Harness;

/// <summary>The node host process on its own (no server): commands on stdin and on a loopback port, each in the history.</summary>
public sealed class NodeHostTests : IDisposable
{
    private readonly string _dir = Path.Join(Path.GetTempPath(), "filecache-node-" + Guid.NewGuid().ToString("N")[..8]);

    public NodeHostTests()
    {
        Directory.CreateDirectory(Path.Join(_dir, "root"));
        File.WriteAllBytes(Path.Join(_dir, "root", "a.txt"), Payload.Create("a.txt", 0, "seed"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Commands_OverStdinAndLoopbackPort_AreAnsweredAndAppendedToTheHistory()
    {
        string history = Path.Join(_dir, "n0.jsonl");
        int port = Servers.ClusterServer.FreePort();
        await using NodeProcess node = await NodeProcess.StartAsync("n0", ["--name", "n0", "--root", Path.Join(_dir, "root"), "--history", history, "--listen", port.ToString(CultureInfo.InvariantCulture)]);

        Assert.StartsWith("ok v=0 ", await node.SendAsync("read a.txt"), StringComparison.Ordinal);
        string write = await node.SendAsync("write a.txt ack");
        Assert.StartsWith("ok v=", write, StringComparison.Ordinal);
        Assert.Contains("outcome=acknowledged", write, StringComparison.Ordinal);
        Assert.StartsWith("ok v=-1 ", await node.SendAsync("read missing.txt"), StringComparison.Ordinal);
        Assert.StartsWith("ok ", await node.SendAsync("invalidate a.txt"), StringComparison.Ordinal);
        Assert.StartsWith("err unknown command", await node.SendAsync("dance"), StringComparison.Ordinal);
        Assert.Contains("\"reads\":2", await node.SendAsync("stats"), StringComparison.Ordinal);

        using (var client = new TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", port);
            using var reader = new StreamReader(client.GetStream());
            using var writer = new StreamWriter(client.GetStream()) { AutoFlush = true };
            await writer.WriteLineAsync("read a.txt");
            string? reply = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.StartsWith("ok v=", reply, StringComparison.Ordinal);
            Assert.DoesNotContain("v=0 ", reply, StringComparison.Ordinal);
        }

        await node.DisposeAsync();
        List<HistoryRecord> records = HistoryFile.Read([history]);
        Assert.Equal(["read", "write", "read", "invalidate", "read"], records.Select(r => r.Op));
        Assert.All(records, r => Assert.True(r.End >= r.Start && r.Start > 0));
        Assert.True(records[1].Written > records[1].Start && records[1].Version > 0);
        Assert.Equal(records[1].Version, records[3].Version); // the invalidation covers what was on disk
        Assert.Equal(records[1].Version, records[4].Version); // the read after the write sees it
        Assert.Equal(records[4].DeclaredHash, records[4].PayloadHash);
        Assert.Empty(HistoryChecker.Check(records).Violations);
    }
}
