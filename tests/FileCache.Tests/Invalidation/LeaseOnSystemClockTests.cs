using System.Text;
using FileCache.Invalidation;

namespace FileCache.Tests.Invalidation;

/// <summary>
/// The hit-path lease check on the system clock, where a hit compares the coarse clock (<c>Environment.TickCount64</c>)
/// with the deadline and calls nothing while the lease holds. Deadlines far ahead of or behind now, so no test waits.
/// </summary>
public sealed class LeaseOnSystemClockTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fc-lease-" + Guid.NewGuid().ToString("N")[..8]);

    public LeaseOnSystemClockTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private (FileCache.Storage.DefaultFileCache Cache, ICoherenceTarget Target, FileKey Derived) Fill()
    {
        var (created, publisher) = RecordingPublisher.CreateCache(_root, TimeProvider.System);
        var cache = (FileCache.Storage.DefaultFileCache)created;
        string path = Path.Combine(_root, "a.txt");
        File.WriteAllText(path, "old");
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.Equal("old", Read(cache));
        var derived = cache.CreateKey("p", "a.txt", "parsed");
        cache.Set(derived, "old-parse");

        // Changed while this node could not hear of it: only the lease check can stop the old bytes.
        File.WriteAllText(path, "new");
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 1, 0, 0, 1, DateTimeKind.Utc));
        return (cache, publisher.Target!, derived);
    }

    private static string Read(FileCache.Storage.DefaultFileCache cache) =>
        Encoding.UTF8.GetString(cache.ReadAsync("p", "a.txt").AsTask().GetAwaiter().GetResult().Content.Span);

    [Fact]
    public void LeaseAhead_HitsServedOnTrust_NothingChecked()
    {
        var (cache, target, derived) = Fill();
        using var owned = cache;
        target.TrustUntil(TimeProvider.System.GetTimestamp() + (TimeProvider.System.TimestampFrequency * 3600));

        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal("old", Read(cache));
            Assert.True(cache.TryGetValue(derived, out object? _));
            Assert.True(cache.TryGet(cache.CreateKey("p", "a.txt"), out CachedFile? _));
        }

        Assert.Equal(0, cache.LeaseLapsedReads);
    }

    [Fact]
    public void LeasePast_EveryHitChecked_OldBytesNeverServed_UncheckableValuesNotServed()
    {
        var (cache, target, derived) = Fill();
        using var owned = cache;
        target.TrustUntil(TimeProvider.System.GetTimestamp() + (TimeProvider.System.TimestampFrequency * 3600));
        Assert.Equal("old", Read(cache));

        // The deadline behind the clock, as after a pause past the lease with no timer run since.
        target.TrustUntil(TimeProvider.System.GetTimestamp() - 1);

        Assert.Equal("new", Read(cache));
        Assert.False(cache.TryGetValue(derived, out object? _));
        long checkedReads = cache.LeaseLapsedReads;
        Assert.True(checkedReads >= 2, $"{checkedReads} hits checked");
        Assert.Equal("new", Read(cache));
        Assert.True(cache.LeaseLapsedReads > checkedReads);
    }

    [Fact]
    public void LeaseCleared_BackToTheSingleNodeHit()
    {
        var (cache, target, _) = Fill();
        using var owned = cache;
        target.TrustUntil(TimeProvider.System.GetTimestamp() - 1);
        Assert.Equal("new", Read(cache));
        long checkedReads = cache.LeaseLapsedReads;

        target.TrustUntil(long.MaxValue);

        Assert.Equal("new", Read(cache));
        Assert.Equal(checkedReads, cache.LeaseLapsedReads);
    }
}
