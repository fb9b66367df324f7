using FileCache.Invalidation;
using FileCache.Tests.Invalidation;
using FileCache.Writing;
using static FileCache.Tests.Writing.WriteFixture;

namespace FileCache.Tests.Writing;

/// <summary>The real watcher sees the cache's own writes: their echo must leave the fresh entry in place.</summary>
[Collection(WatcherTestGroup.Name)]
public sealed class WriteEchoTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(WriteMode.WriteThrough)]
    [InlineData(WriteMode.WriteBehind)]
    public async Task EchoOfOwnWrite_KeepsTheEntry_AnotherWritersChangeStillInvalidates(WriteMode mode)
    {
        using var dir = new TestDirectory();
        dir.Write("a.txt", "old");
        // The watcher's batches are applied when a sentinel arrives (SynchronizeAsync), never by the debounce timer. A
        // write-through renames the file into place and then caches its bytes; with the default 20 ms debounce, a
        // writer descheduled between the two under load let the timer apply the echo first: it then found the entry
        // read before the write (rightly dropped, and not an echo), and the echo this test checks never happened. The
        // echo still comes from the real watcher and goes through the same apply path, only at a known point.
        using var cache = Create(dir.Root, TimeProvider.System, o =>
        {
            o.Invalidation.Mode = ValidationMode.Watch;
            o.Invalidation.WatcherDebounce = TimeSpan.FromHours(1);
            o.Writing.WriteBehindDelay = TimeSpan.Zero;
        });
        await cache.ReadAsync("p", "a.txt");

        await cache.WriteAsync("p", "a.txt", Bytes("mine"), mode);
        await cache.FlushAsync();
        Assert.True(cache.TryGet("p", "a.txt", out CachedFile? written));
        await cache.SynchronizeAsync("p").WaitAsync(Wait);

        Assert.True(cache.TryGet("p", "a.txt", out CachedFile? afterEcho));
        Assert.Same(written, afterEcho);
        Assert.True(cache.GetStatistics().Writes.EchoesIgnored >= 1);

        dir.Write("a.txt", "theirs");
        await cache.SynchronizeAsync("p").WaitAsync(Wait);
        Assert.False(cache.TryGet("p", "a.txt", out CachedFile? _));
        Assert.Equal("theirs", Text((await cache.ReadAsync("p", "a.txt")).Content));
    }

    [Fact]
    public async Task SameLengthRewriteByAnotherWriter_RightAfterOwnWrite_IsNotTakenForAnEcho()
    {
        using var dir = new TestDirectory();
        using var cache = Create(dir.Root, TimeProvider.System, o => o.Invalidation.Mode = ValidationMode.Watch);
        await cache.WriteAsync("p", "a.txt", Bytes("mine"));
        var info = new FileInfo(Path.Join(dir.Root, "a.txt"));
        DateTime stamp = info.LastWriteTimeUtc;

        // Same length, same last-write time: only the bytes differ.
        File.WriteAllText(info.FullName, "MINE");
        File.SetLastWriteTimeUtc(info.FullName, stamp);
        await cache.SynchronizeAsync("p").WaitAsync(Wait);

        Assert.Equal("MINE", Text((await cache.ReadAsync("p", "a.txt")).Content));
    }

    [Fact]
    public async Task ValidateOnRead_PendingWrite_IsNotInvalidatedByItsProvisionalVersion()
    {
        using var dir = new TestDirectory();
        dir.Write("a.txt", "old");
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var cache = Create(dir.Root, time, o =>
        {
            o.Invalidation.Mode = ValidationMode.ValidateOnRead;
            o.Invalidation.ValidationInterval = TimeSpan.FromSeconds(1);
            o.Writing.WriteBehindDelay = TimeSpan.FromHours(1);
        });
        await cache.WriteAsync("p", "a.txt", Bytes("mine"), WriteMode.WriteBehind);
        Assert.True(cache.TryGet("p", "a.txt", out CachedFile? written));

        time.Advance(TimeSpan.FromSeconds(5));

        Assert.True(cache.TryGet("p", "a.txt", out CachedFile? later));
        Assert.Same(written, later);
        Assert.Equal(0, cache.GetStatistics().Invalidation!.GetCount(InvalidationCause.VersionMismatch));
    }
}
