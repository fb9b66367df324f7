using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Peers.Tests.Routing;

public sealed class FaultTests : IDisposable
{
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task ReadAsync_OwnerNeverAnswers_TimesOutAndLoadsLocally()
    {
        // A partition between peers only: the owner's port accepts connections and never answers (a black hole).
        using var blackHole = new TcpListener(IPAddress.Loopback, 0);
        blackHole.Start();
        var held = new List<Socket>();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    held.Add(await blackHole.AcceptSocketAsync());
                }
                catch (Exception)
                {
                    return;
                }
            }
        });
        var hole = new PeerNode("silent", new Uri($"http://127.0.0.1:{((IPEndPoint)blackHole.LocalEndpoint).Port}/"));
        var membership = new TestMembership();
        await using var caller = await PeerTestNode.StartAsync("caller", _root.Path, membership, o =>
        {
            o.ConnectTimeout = TimeSpan.FromMilliseconds(200);
            o.RequestTimeout = TimeSpan.FromMilliseconds(300);
            o.CatchUpTimeout = TimeSpan.FromMilliseconds(100);
        });
        membership.Set([hole, caller.Node]);
        string path = PeerCluster.PathsOwnedBy(caller.Peers.Placement, "silent").First();
        _root.Write(path, "local after all");

        var file = await caller.Cache.ReadAsync("p", path).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("local after all", Encoding.UTF8.GetString(file.Content.Span));
        Assert.Equal(1, caller.Stats().Forwarded);
        Assert.Equal(1, caller.Stats().Fallbacks);
        Assert.Equal(1, caller.DiskLoads);
        blackHole.Stop();
        held.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task ReadAsync_CallerCancels_WhileOwnerIsSilent_Cancelled()
    {
        using var blackHole = new TcpListener(IPAddress.Loopback, 0);
        blackHole.Start();
        var hole = new PeerNode("silent", new Uri($"http://127.0.0.1:{((IPEndPoint)blackHole.LocalEndpoint).Port}/"));
        var membership = new TestMembership();
        await using var caller = await PeerTestNode.StartAsync("caller", _root.Path, membership, o => o.RequestTimeout = TimeSpan.FromSeconds(30));
        membership.Set([hole, caller.Node]);
        string path = PeerCluster.PathsOwnedBy(caller.Peers.Placement, "silent").First();
        _root.Write(path, "x");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await caller.Cache.ReadAsync("p", path, cts.Token).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        blackHole.Stop();
    }

    [Fact]
    public async Task ReadAsync_OneCorruptByte_RejectedByHashCountedAndLoadedLocally()
    {
        var membership = new TestMembership();
        await using var owner = await PeerTestNode.StartAsync("owner", _root.Path, membership);
        await using var caller = await PeerTestNode.StartAsync("caller", _root.Path, membership, o => o.HandlerFactory = () => new CorruptingHandler());
        membership.Set([owner.Node, caller.Node]);
        string path = PeerCluster.PathsOwnedBy(owner.Peers.Placement, "owner").First();
        string content = new('z', 10_000);
        _root.Write(path, content);

        var file = await caller.Cache.ReadAsync("p", path);

        Assert.Equal(content, Encoding.UTF8.GetString(file.Content.Span));
        Assert.Equal(1, caller.Stats().HashRejections);
        Assert.Equal(0, caller.Stats().PeerHits);
        Assert.Equal(1, caller.DiskLoads);
        Assert.Equal(1, owner.Stats().Served);
    }

    [Fact]
    public async Task ReadAsync_OwnerDown_CircuitOpensAfterThreshold_ThenTrialAfterBreak()
    {
        // Nothing listens on the owner's port: each call fails at once. After two failures the circuit is open (calls
        // skipped); once the break has passed on the injected clock, one trial call goes again.
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var dead = new PeerNode("dead", new Uri($"http://127.0.0.1:{port}/"));
        var membership = new TestMembership();
        await using var caller = await PeerTestNode.StartAsync("caller", _root.Path, membership, o =>
        {
            o.BreakerFailureThreshold = 2;
            o.BreakerBreakDuration = TimeSpan.FromSeconds(10);
        }, services: s => s.AddSingleton<TimeProvider>(time));
        membership.Set([dead, caller.Node]);
        var paths = PeerCluster.PathsOwnedBy(caller.Peers.Placement, "dead").Take(5).ToList();
        paths.ForEach(p => _root.Write(p, p));

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(paths[i], Encoding.UTF8.GetString((await caller.Cache.ReadAsync("p", paths[i])).Content.Span));
        }

        Assert.Equal(2, caller.Stats().Forwarded);
        Assert.Equal(1, caller.Stats().CircuitSkips);
        Assert.Equal(3, caller.Stats().Fallbacks);

        time.Advance(TimeSpan.FromSeconds(11));
        await caller.Cache.ReadAsync("p", paths[3]);
        Assert.Equal(3, caller.Stats().Forwarded);
        await caller.Cache.ReadAsync("p", paths[4]);
        Assert.Equal(3, caller.Stats().Forwarded);
        Assert.Equal(2, caller.Stats().CircuitSkips);
    }

    /// <summary>Flips one byte in the middle of every response body (a corruption on the wire).</summary>
    private sealed class CorruptingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return response;
            }

            byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            body[body.Length / 2] ^= 0x01;
            var corrupt = new ByteArrayContent(body);
            foreach (var header in response.Content.Headers)
            {
                corrupt.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = corrupt;
            return response;
        }
    }
}
