using FileCache.Invalidation;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Redis.Tests;

/// <summary>
/// A container disposes in reverse order of creation, and a node is created before the cache it configures: the cache goes
/// first. A node whose loops or timers then touch the disposed cache must stop, not fault (a faulted loop made the node's
/// own disposal throw, which is how a benchmark's clean-up lost its row).
/// </summary>
public sealed class DisposalTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    private static string NewCluster() => "d" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task CacheDisposedFirst_ThenARenewal_NodeStops_AndItsDisposalDoesNotThrow()
    {
        using var folder = new TempFolder();
        folder.Write("a.txt", "one");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var b = await TestNode.StartAsync(fixture.Server, NewCluster(), folder.Root, time: time);
        ((IDisposable)b.Cache).Dispose();

        // Up to the first renewal (a third of the 5 s lease), short of the lease's deadline: the renewal hands its new
        // deadline to the disposed cache.
        for (int i = 0; i < 30 && b.Coherence.GetStatus().State != RedisNodeState.Stopped; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(10);
        }

        await Eventually.TrueAsync(() => b.Coherence.GetStatus().State == RedisNodeState.Stopped, "the node stops once it finds its cache disposed");
        await b.Coherence.DisposeAsync();
    }

    [Fact]
    public async Task CacheDisposedFirst_ThenTheLeaseDeadline_TheWatchdogDoesNotThrow_AndTheNodeStops()
    {
        using var folder = new TempFolder();
        folder.Write("a.txt", "one");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        bool serverAway = false;
        await using var b = await TestNode.StartAsync(fixture.Server, NewCluster(), folder.Root, time: time, beforeStart: n => n.RenewFault = () => serverAway);
        serverAway = true;
        ((IDisposable)b.Cache).Dispose();

        // The watchdog (a timer) fires inside Advance: an exception from its callback would surface here.
        time.Advance(TimeSpan.FromSeconds(6));

        await Eventually.TrueAsync(() => b.Coherence.GetStatus().State == RedisNodeState.Stopped, "the node stops once it finds its cache disposed");
        await b.Coherence.DisposeAsync();
    }

    [Fact]
    public async Task CacheDisposedFirst_ThenARemoteInvalidation_NodeStops_RatherThanAcknowledgeWhatItCouldNotApply()
    {
        using var folder = new TempFolder();
        folder.Write("a.txt", "one");
        string cluster = NewCluster();
        await using var a = await TestNode.StartAsync(fixture.Server, cluster, folder.Root);
        await using var b = await TestNode.StartAsync(fixture.Server, cluster, folder.Root);
        long applied = b.Coherence.GetStatus().LastAppliedSequence;
        ((IDisposable)b.Cache).Dispose();

        var result = await a.Coherence.InvalidateAsync(InvalidationRequest.ForKey(a.Cache.CreateKey("p", "a.txt")), waitForAcknowledgement: false);

        Assert.Equal(InvalidationAcknowledgement.NotAwaited, result.Acknowledgement);
        await Eventually.TrueAsync(() => b.Coherence.GetStatus().State == RedisNodeState.Stopped, "the node stops once it finds its cache disposed");
        Assert.Equal(applied, b.Coherence.GetStatus().LastAppliedSequence);   // not recorded (nor acknowledged) as applied
        await b.Coherence.DisposeAsync();
    }
}
