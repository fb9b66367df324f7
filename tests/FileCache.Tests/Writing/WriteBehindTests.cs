using FileCache.Telemetry;
using FileCache.Tests.Telemetry;
using FileCache.Writing;
using Microsoft.Extensions.Time.Testing;
using static FileCache.Tests.Writing.WriteFixture;

namespace FileCache.Tests.Writing;

/// <summary>Write-behind on a fake clock: the flush runs when the test advances time past the delay.</summary>
public sealed class WriteBehindTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task WriteBehind_CacheAtOnce_DiskOnlyAfterTheDelay()
    {
        using var dir = new TestDirectory();
        dir.Write("a.txt", "old");
        var time = new FakeTimeProvider();
        using var cache = Create(dir.Root, time);

        await cache.WriteAsync("p", "a.txt", Bytes("new"), WriteMode.WriteBehind);

        Assert.Equal("new", Text((await cache.ReadAsync("p", "a.txt")).Content));
        Assert.Equal("old", Disk(dir.Root, "a.txt"));
        Assert.Equal(1, cache.GetStatistics().Writes.Pending);
        time.Advance(Delay - TimeSpan.FromMilliseconds(1));
        Assert.Equal("old", Disk(dir.Root, "a.txt"));

        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal("new", Disk(dir.Root, "a.txt"));
        var stats = cache.GetStatistics().Writes;
        Assert.Equal((1, 1, 0), (stats.WritesBehind, stats.Flushed, stats.Pending));
        Assert.Empty(TempFiles(dir.Root));
    }

    [Fact]
    public async Task WriteBehind_SeveralWritesBeforeTheFlush_CoalesceIntoOneFlushOfTheNewest()
    {
        using var dir = new TestDirectory();
        var time = new FakeTimeProvider();
        using var cache = Create(dir.Root, time);

        for (int i = 1; i <= 5; i++)
        {
            await cache.WriteAsync("p", "a.txt", Bytes($"v{i}"), WriteMode.WriteBehind);
            Assert.Equal($"v{i}", Text((await cache.ReadAsync("p", "a.txt")).Content));
        }

        time.Advance(Delay);

        Assert.Equal("v5", Disk(dir.Root, "a.txt"));
        var stats = cache.GetStatistics().Writes;
        Assert.Equal((5, 4, 1), (stats.WritesBehind, stats.Coalesced, stats.Flushed));
    }

    [Fact]
    public async Task Writes_OfOneFile_ReachTheDiskInCallOrder_ThroughAfterBehindAndBack()
    {
        using var dir = new TestDirectory();
        var time = new FakeTimeProvider();
        using var cache = Create(dir.Root, time);

        await cache.WriteAsync("p", "a.txt", Bytes("1-behind"), WriteMode.WriteBehind);
        await cache.WriteAsync("p", "a.txt", Bytes("2-through"), WriteMode.WriteThrough);
        Assert.Equal("2-through", Disk(dir.Root, "a.txt"));
        time.Advance(Delay); // the older write-behind was superseded: it must not come back
        Assert.Equal("2-through", Disk(dir.Root, "a.txt"));

        await cache.WriteAsync("p", "a.txt", Bytes("3-behind"), WriteMode.WriteBehind);
        Assert.Equal("2-through", Disk(dir.Root, "a.txt"));
        Assert.Equal("3-behind", Text((await cache.ReadAsync("p", "a.txt")).Content));
        time.Advance(Delay);

        Assert.Equal("3-behind", Disk(dir.Root, "a.txt"));
        Assert.Equal("3-behind", Text((await cache.ReadAsync("p", "a.txt")).Content));
    }

    [Fact]
    public async Task WriteBehind_EntryRefusedOrInvalidated_ReadStillSeesThePendingBytes()
    {
        using var dir = new TestDirectory();
        dir.Write("big.txt", "old");
        var time = new FakeTimeProvider();
        using var cache = Create(dir.Root, time, o => o.MaxEntryBytes = 2048);
        Assert.Equal("old", Text((await cache.ReadAsync("p", "big.txt")).Content));

        string big = new('x', 4096);
        await cache.WriteAsync("p", "big.txt", Bytes(big), WriteMode.WriteBehind);
        Assert.False(cache.TryGet("p", "big.txt", out CachedFile? _)); // too large to cache; the old entry went too
        Assert.Equal(big, Text((await cache.ReadAsync("p", "big.txt")).Content));

        await cache.WriteAsync("p", "small.txt", Bytes("mine"), WriteMode.WriteBehind);
        cache.InvalidateProject("p");
        Assert.Equal("mine", Text((await cache.ReadAsync("p", "small.txt")).Content));
        Assert.Null(Disk(dir.Root, "small.txt"));
    }

    [Fact]
    public async Task FailedFlush_StaysDirty_IsReported_AndRetriedWithDoublingBackOff()
    {
        using var dir = new TestDirectory();
        string blocker = Path.Join(dir.Root, "a.txt");
        Directory.CreateDirectory(blocker); // renaming a file over a directory fails: a real I/O error
        var time = new FakeTimeProvider();
        using var meters = new TestMeterFactory();
        using var metrics = new MetricsRecorder(meters);
        using var cache = Create(dir.Root, time, o => o.Writing.RetryDelay = TimeSpan.FromSeconds(1), meters);
        var events = new List<FileWriteFailedEventArgs>();
        cache.WriteFailed += (_, e) => events.Add(e);

        await cache.WriteAsync("p", "a.txt", Bytes("keep me"), WriteMode.WriteBehind);
        time.Advance(Delay);

        var first = Assert.Single(events);
        Assert.True(first.WillRetry);
        Assert.False(first.IsConflict);
        Assert.Equal(1, first.Attempt);
        Assert.IsAssignableFrom<IOException>(first.Exception);
        Assert.Equal(1, cache.GetStatistics().Writes.Pending);
        Assert.Equal(1, metrics.Sum(FileCacheTelemetry.WriteFailures, ("kind", "error")));
        Assert.Equal(1, metrics.Sum(FileCacheTelemetry.WritesPending));
        Assert.Equal("keep me", Text((await cache.ReadAsync("p", "a.txt")).Content));

        time.Advance(TimeSpan.FromSeconds(1) - TimeSpan.FromMilliseconds(1));
        Assert.Single(events);
        time.Advance(TimeSpan.FromMilliseconds(1)); // second attempt, 1 s after the first
        Assert.Equal(2, events.Count);
        Assert.Equal(2, events[1].Attempt);

        time.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromMilliseconds(1)); // the next waits 2 s
        Assert.Equal(2, events.Count);
        Directory.Delete(blocker);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(2, events.Count);
        Assert.Equal("keep me", Disk(dir.Root, "a.txt"));
        var stats = cache.GetStatistics().Writes;
        Assert.Equal((2, 1, 0), (stats.FlushFailures, stats.Flushed, stats.Pending));
        Assert.Equal(0, metrics.Sum(FileCacheTelemetry.WritesPending));
    }

    [Fact]
    public async Task FlushAsync_FailingWrite_ThrowsAndKeepsItPending_LaterFlushWritesIt()
    {
        using var dir = new TestDirectory();
        string blocker = Path.Join(dir.Root, "a.txt");
        Directory.CreateDirectory(blocker);
        using var cache = Create(dir.Root, new FakeTimeProvider(), o => o.Writing.WriteBehindDelay = TimeSpan.FromHours(1));
        await cache.WriteAsync("p", "a.txt", Bytes("a"), WriteMode.WriteBehind);
        await cache.WriteAsync("p", "b.txt", Bytes("b"), WriteMode.WriteBehind);

        var error = await Assert.ThrowsAsync<AggregateException>(() => cache.FlushAsync("p"));

        Assert.IsAssignableFrom<IOException>(Assert.Single(error.InnerExceptions));
        Assert.Equal("b", Disk(dir.Root, "b.txt"));
        Assert.Equal(1, cache.GetStatistics().Writes.Pending);
        Directory.Delete(blocker);
        await cache.FlushAsync();
        Assert.Equal("a", Disk(dir.Root, "a.txt"));
        Assert.Equal(0, cache.GetStatistics().Writes.Pending);
    }

    [Fact]
    public async Task Dispose_FlushesPendingWrites()
    {
        using var dir = new TestDirectory();
        var cache = Create(dir.Root, new FakeTimeProvider(), o => o.Writing.WriteBehindDelay = TimeSpan.FromHours(1));
        await cache.WriteAsync("p", "a.txt", Bytes("a"), WriteMode.WriteBehind);
        await cache.WriteAsync("p", "deep/b.txt", Bytes("b"), WriteMode.WriteBehind);

        cache.Dispose();

        Assert.Equal("a", Disk(dir.Root, "a.txt"));
        Assert.Equal("b", Disk(dir.Root, "deep/b.txt"));
    }

    [Fact]
    public async Task Dispose_FlushThatHangs_GivesUpAfterTheTimeout_AndReportsTheWriteLost()
    {
        using var dir = new TestDirectory();
        var time = new FakeTimeProvider();
        var cache = Create(dir.Root, time, o =>
        {
            o.Writing.WriteBehindDelay = TimeSpan.FromHours(1);
            o.Writing.DisposeFlushTimeout = TimeSpan.FromSeconds(5);
        });
        var lost = new List<FileWriteFailedEventArgs>();
        cache.WriteFailed += (_, e) => lost.Add(e);
        string hung = Path.Join(dir.Root, "hung.txt");
        using var release = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        Action<string> hang = path =>
        {
            if (path == hung)
            {
                entered.Set();
                release.Wait(TimeSpan.FromSeconds(30));
            }
        };
        AtomicFile.BeforeRename += hang;
        try
        {
            await cache.WriteAsync("p", "hung.txt", Bytes("never"), WriteMode.WriteBehind);
            var dispose = Task.Factory.StartNew(cache.Dispose, TaskCreationOptions.LongRunning);
            Assert.True(entered.Wait(TimeSpan.FromSeconds(10)));
            Assert.False(dispose.IsCompleted);

            time.Advance(TimeSpan.FromSeconds(5));
            await dispose.WaitAsync(TimeSpan.FromSeconds(10));

            var report = Assert.Single(lost);
            Assert.False(report.WillRetry);
            Assert.Equal("hung.txt", report.Key.Path);
            Assert.Equal(1, cache.Writing.Snapshot().Lost);
        }
        finally
        {
            AtomicFile.BeforeRename -= hang;
            release.Set();
        }
    }

    [Fact]
    public async Task ExternalChangeWhilePending_IsAConflict_TheOtherChangeIsKeptAndRead()
    {
        using var dir = new TestDirectory();
        dir.Write("a.txt", "v1");
        var time = new FakeTimeProvider();
        using var meters = new TestMeterFactory();
        using var metrics = new MetricsRecorder(meters);
        using var cache = Create(dir.Root, time, meters: meters);
        var events = new List<FileWriteFailedEventArgs>();
        cache.WriteFailed += (_, e) => events.Add(e);
        await cache.ReadAsync("p", "a.txt");

        await cache.WriteAsync("p", "a.txt", Bytes("mine"), WriteMode.WriteBehind);
        dir.Write("a.txt", "theirs, longer");
        time.Advance(Delay);

        Assert.Equal("theirs, longer", Disk(dir.Root, "a.txt"));
        var report = Assert.Single(events);
        Assert.True(report.IsConflict);
        Assert.False(report.WillRetry);
        var conflict = Assert.IsType<FileWriteConflictException>(report.Exception);
        Assert.Equal("mine", Text(conflict.Content));
        Assert.Equal(2, conflict.Expected!.Value.Length);
        Assert.Equal("theirs, longer", Text((await cache.ReadAsync("p", "a.txt")).Content));
        Assert.Equal((1, 0), (cache.GetStatistics().Writes.Conflicts, cache.GetStatistics().Writes.Pending));
        Assert.Equal(1, metrics.Sum(FileCacheTelemetry.WriteFailures, ("kind", "conflict")));
    }

    [Fact]
    public async Task FileCreatedByOthersWhileANewFileIsPending_IsAConflict()
    {
        using var dir = new TestDirectory();
        using var cache = Create(dir.Root, new FakeTimeProvider(), o => o.Writing.WriteBehindDelay = TimeSpan.FromHours(1));
        await cache.WriteAsync("p", "new.txt", Bytes("mine"), WriteMode.WriteBehind);
        dir.Write("new.txt", "theirs");

        var error = await Assert.ThrowsAsync<AggregateException>(() => cache.FlushAsync());

        var conflict = Assert.IsType<FileWriteConflictException>(Assert.Single(error.InnerExceptions));
        Assert.Null(conflict.Expected);
        Assert.Equal("theirs", Disk(dir.Root, "new.txt"));
    }

    [Fact]
    public async Task CoalescedWriteDuringAFlush_IsFlushedNext_WithoutAFalseConflict()
    {
        using var dir = new TestDirectory();
        var time = new FakeTimeProvider();
        using var cache = Create(dir.Root, time, o => o.Writing.WriteBehindDelay = TimeSpan.FromHours(1));
        string target = Path.Join(dir.Root, "a.txt");
        await cache.WriteAsync("p", "a.txt", Bytes("first"), WriteMode.WriteBehind);
        int fired = 0;
        Action<string> writeDuringFlush = path =>
        {
            if (path == target && Interlocked.Exchange(ref fired, 1) == 0)
            {
                cache.WriteAsync("p", "a.txt", Bytes("second"), WriteMode.WriteBehind).AsTask().GetAwaiter().GetResult();
            }
        };
        AtomicFile.BeforeRename += writeDuringFlush;
        try
        {
            await cache.FlushAsync();
            Assert.Equal("first", Disk(dir.Root, "a.txt"));
            Assert.Equal(1, cache.GetStatistics().Writes.Pending);

            await cache.FlushAsync();
        }
        finally
        {
            AtomicFile.BeforeRename -= writeDuringFlush;
        }

        Assert.Equal("second", Disk(dir.Root, "a.txt"));
        Assert.Equal(0, cache.GetStatistics().Writes.Conflicts);
    }
}
