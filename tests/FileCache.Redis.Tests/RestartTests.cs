using System.Text;
using FileCache.Invalidation;
using FileCache.Redis.Testing;

namespace FileCache.Redis.Tests;

/// <summary>Flushes its own server: not shared with the classes that run in parallel.</summary>
public sealed class RestartTests : IAsyncLifetime
{
    private RedisTestServer _server = null!;

    public async Task InitializeAsync() => _server = await RedisTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ServerFlushed_NewIncarnation_DemotesAndAnInvalidationAfterwardsIsAcknowledged()
    {
        using var folder = new TempFolder();
        var old = DateTime.UtcNow.AddMinutes(-5);
        folder.Write("a.txt", "one", old);
        string cluster = "r" + Guid.NewGuid().ToString("N")[..8];
        await using var a = await TestNode.StartAsync(_server, cluster, folder.Root);
        await using var b = await TestNode.StartAsync(_server, cluster, folder.Root);
        await a.Cache.InvalidateAsync(InvalidationRequest.ForKey(a.Cache.CreateKey("p", "other.txt")));
        await b.Cache.ReadAsync("p", "a.txt");

        await _server.FlushAsync();   // the server lost everything: log, sequence, members
        folder.Write("a.txt", "changed", old.AddMinutes(1));
        await b.Coherence.SynchronizeAsync();

        var status = b.Coherence.GetStatus();
        Assert.Equal(1, status.LogGaps);
        Assert.True(status.Demotions >= 1);
        Assert.Equal("changed", Encoding.UTF8.GetString((await b.Cache.ReadAsync("p", "a.txt")).Content.Span));

        // Both renew into the new incarnation; then invalidations are acknowledged again.
        await Eventually.TrueAsync(() => a.Coherence.GetStatus().State == RedisNodeState.Healthy && b.Coherence.GetStatus().State == RedisNodeState.Healthy, "both healthy");
        await a.Coherence.SynchronizeAsync();
        var result = await a.Cache.InvalidateAsync(InvalidationRequest.ForKey(a.Cache.CreateKey("p", "a.txt")));
        Assert.NotEqual(InvalidationAcknowledgement.TimedOut, result.Acknowledgement);
    }
}
