// A ValueTask is read once, either awaited or checked complete and then read.
#pragma warning disable CA2012
using FileCache.Storage;
using FileCache.Telemetry;
using FileCache.Tests.Telemetry;
using FileCache.Writing;
using Microsoft.Extensions.Time.Testing;
using static FileCache.Tests.Writing.WriteFixture;

namespace FileCache.Tests.Writing;

/// <summary>
/// Write-behind back-pressure: the bytes (and files) of writes not yet flushed stay within their bound on a slow, hung or
/// failing disk; a write that does not fit waits (its token cancels the wait) or fails at once, by option; nothing
/// accepted is dropped. The disk hangs in <see cref="AtomicFile.BeforeRename"/> (each test filters on its own root) or
/// fails for real (a directory where the file should go).
/// </summary>
public sealed class BackPressureTests
{
    private const int Size = 1000;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task WriteBehind_AtTheBound_WaitsForTheHungDiskToDrain_ThenEveryWriteLands()
    {
        using var dir = new TestDirectory();
        using var meters = new TestMeterFactory();
        using var metrics = new MetricsRecorder(meters);
        using var disk = new HungDisk(dir.Root);
        using var cache = Create(dir.Root, new FakeTimeProvider(), Bounded(3 * Size), meters);

        foreach (string name in new[] { "a", "b", "c" })
        {
            Assert.True(cache.WriteAsync("p", name, Fill(name, Size), WriteMode.WriteBehind).IsCompletedSuccessfully);
        }

        Assert.Equal(3 * Size, metrics.Sum(FileCacheTelemetry.WritePendingBytes));
        var d = cache.WriteAsync("p", "d", Fill("d", Size), WriteMode.WriteBehind);

        // The wait starts a flush at once (the write-behind delay is an hour and the clock does not move): it hangs.
        Assert.True(disk.Entered.Wait(Wait), "no flush started while a writer waited");
        Assert.False(d.IsCompleted);
        Assert.False(cache.TryGet("p", "d", out CachedFile? _)); // not made until admitted
        Assert.Equal((3L, 3L * Size), (cache.GetStatistics().Writes.Pending, cache.GetStatistics().Writes.PendingBytes));
        Assert.Equal(1, metrics.Sum(FileCacheTelemetry.WriteBackPressure, ("outcome", "waited")));

        disk.Release();
        await d.AsTask().WaitAsync(Wait);
        await cache.FlushAsync().WaitAsync(Wait);

        foreach (string name in new[] { "a", "b", "c", "d" })
        {
            Assert.Equal(Text(Fill(name, Size)), Disk(dir.Root, name));
        }

        Assert.Equal((0L, 0L), (cache.Writing.Budget.Bytes, cache.Writing.Budget.Files));
        Assert.True(cache.Writing.Budget.PeakBytes <= 3 * Size, $"peak {cache.Writing.Budget.PeakBytes}");
        Assert.Equal(0, metrics.Sum(FileCacheTelemetry.WritePendingBytes));
        Assert.Equal(1, cache.GetStatistics().Writes.Waited);
    }

    [Fact]
    public async Task WriteBehind_WaitingForRoom_ItsTokenCancelsTheWait_TheWriteIsNotMade_OthersStillLand()
    {
        using var dir = new TestDirectory();
        using var disk = new HungDisk(dir.Root);
        using var cache = Create(dir.Root, new FakeTimeProvider(), Bounded(2 * Size));
        await cache.WriteAsync("p", "a", Fill("a", Size), WriteMode.WriteBehind);
        await cache.WriteAsync("p", "b", Fill("b", Size), WriteMode.WriteBehind);
        using var cts = new CancellationTokenSource();

        var cancelled = cache.WriteAsync("p", "c", Fill("c", Size), WriteMode.WriteBehind, cts.Token);
        var behind = cache.WriteAsync("p", "d", Fill("d", Size), WriteMode.WriteBehind); // queued after c
        Assert.True(disk.Entered.Wait(Wait));
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.AsTask().WaitAsync(Wait));
        Assert.False(behind.IsCompleted); // still no room: the disk hangs
        Assert.False(cache.TryGet("p", "c", out CachedFile? _));
        Assert.Equal(2L * Size, cache.GetStatistics().Writes.PendingBytes);

        disk.Release();
        await behind.AsTask().WaitAsync(Wait);
        await cache.FlushAsync().WaitAsync(Wait);

        Assert.Equal(Text(Fill("a", Size)), Disk(dir.Root, "a"));
        Assert.Equal(Text(Fill("b", Size)), Disk(dir.Root, "b"));
        Assert.Null(Disk(dir.Root, "c"));
        Assert.Equal(Text(Fill("d", Size)), Disk(dir.Root, "d"));
        Assert.Equal(0, cache.Writing.Budget.Bytes);
    }

    [Fact]
    public async Task WriteBehind_FailMode_AtTheBound_ThrowsAtOnce_ThePendingWriteIsKeptRetriedAndLands()
    {
        using var dir = new TestDirectory();
        string blocker = Path.Join(dir.Root, "a");
        Directory.CreateDirectory(blocker); // renaming a file over a directory fails: a real I/O error
        var time = new FakeTimeProvider();
        using var meters = new TestMeterFactory();
        using var metrics = new MetricsRecorder(meters);
        using var cache = Create(dir.Root, time, o =>
        {
            o.Writing.MaxPendingFiles = 1;
            o.Writing.FullMode = WriteBehindFullMode.Fail;
            o.Writing.RetryDelay = TimeSpan.FromSeconds(1);
        }, meters);
        await cache.WriteAsync("p", "a", Fill("a", Size), WriteMode.WriteBehind);
        time.Advance(TimeSpan.FromMilliseconds(100)); // the flush fails: a stays pending
        Assert.Equal((1, 1L), (cache.GetStatistics().Writes.FlushFailures, cache.GetStatistics().Writes.Pending));

        var refused = cache.WriteAsync("p", "b", Fill("b", 10), WriteMode.WriteBehind);

        Assert.True(refused.IsFaulted, "a refused write must fail at once, not wait");
        var error = await Assert.ThrowsAsync<FileWriteBehindFullException>(() => refused.AsTask());
        Assert.Equal((1L, 1L, 10L), (error.PendingFiles, error.PendingBytes / Size, error.Length));
        Assert.EndsWith("b", error.FullPath, StringComparison.Ordinal);
        Assert.False(cache.TryGet("p", "b", out CachedFile? _));
        Assert.Equal(1, metrics.Sum(FileCacheTelemetry.WriteBackPressure, ("outcome", "refused")));
        Assert.Equal(Text(Fill("a", Size)), Text((await cache.ReadAsync("p", "a")).Content)); // kept, and read

        Directory.Delete(blocker);
        time.Advance(TimeSpan.FromSeconds(1)); // the retry lands

        Assert.Equal(Text(Fill("a", Size)), Disk(dir.Root, "a"));
        Assert.True(cache.WriteAsync("p", "b", Fill("b", 10), WriteMode.WriteBehind).IsCompletedSuccessfully);
        Assert.Equal(1, cache.GetStatistics().Writes.Refused);
    }

    [Fact]
    public async Task WriteBehind_WaitMode_OnAFailingDisk_WaitsOutTheRetryBackOff_AndIsAdmittedWhenTheDiskRecovers()
    {
        using var dir = new TestDirectory();
        string blocker = Path.Join(dir.Root, "a");
        Directory.CreateDirectory(blocker);
        var time = new FakeTimeProvider();
        using var cache = Create(dir.Root, time, o =>
        {
            o.Writing.MaxPendingFiles = 1;
            o.Writing.RetryDelay = TimeSpan.FromSeconds(1);
        });
        await cache.WriteAsync("p", "a", Fill("a", Size), WriteMode.WriteBehind);
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, cache.GetStatistics().Writes.FlushFailures);

        var waiting = cache.WriteAsync("p", "b", Fill("b", Size), WriteMode.WriteBehind);
        await DrainPassesFinished(cache);

        // The drain did not hammer the failing disk: a waits out its back-off.
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, cache.GetStatistics().Writes.FlushFailures);
        Directory.Delete(blocker);
        time.Advance(TimeSpan.FromSeconds(1));

        await waiting.AsTask().WaitAsync(Wait);
        await cache.FlushAsync().WaitAsync(Wait);
        Assert.Equal(Text(Fill("a", Size)), Disk(dir.Root, "a"));
        Assert.Equal(Text(Fill("b", Size)), Disk(dir.Root, "b"));
    }

    [Fact]
    public async Task WriteBehind_RewriteOfAPendingFileThatDoesNotGrowPastTheBound_NeverWaits()
    {
        using var dir = new TestDirectory();
        using var disk = new HungDisk(dir.Root);
        using var cache = Create(dir.Root, new FakeTimeProvider(), Bounded(2 * Size));
        await cache.WriteAsync("p", "a", Fill("a", Size), WriteMode.WriteBehind);
        await cache.WriteAsync("p", "b", Fill("b", Size), WriteMode.WriteBehind);

        Assert.True(cache.WriteAsync("p", "a", Fill("A", Size / 2), WriteMode.WriteBehind).IsCompletedSuccessfully);
        Assert.Equal(1.5 * Size, cache.GetStatistics().Writes.PendingBytes);
        Assert.True(cache.WriteAsync("p", "a", Fill("A", Size), WriteMode.WriteBehind).IsCompletedSuccessfully); // grows back to the bound
        var grows = cache.WriteAsync("p", "a", Fill("A", Size + 1), WriteMode.WriteBehind);

        Assert.False(grows.IsCompleted);
        disk.Release();
        await grows.AsTask().WaitAsync(Wait);
        await cache.FlushAsync().WaitAsync(Wait);
        Assert.Equal(Text(Fill("A", Size + 1)), Disk(dir.Root, "a"));
        Assert.Equal(0, cache.Writing.Budget.Bytes);
    }

    [Fact]
    public async Task WriteBehind_LargerThanTheBound_GoesAloneOnceNothingElseIsPending()
    {
        using var dir = new TestDirectory();
        using var disk = new HungDisk(dir.Root);
        using var cache = Create(dir.Root, new FakeTimeProvider(), Bounded(Size));
        await cache.WriteAsync("p", "small", Fill("s", Size / 2), WriteMode.WriteBehind);

        var big = cache.WriteAsync("p", "big", Fill("B", 5 * Size), WriteMode.WriteBehind);
        Assert.True(disk.Entered.Wait(Wait));
        Assert.False(big.IsCompleted);
        disk.Release();
        await big.AsTask().WaitAsync(Wait);

        Assert.True(cache.Writing.Budget.PeakBytes <= 5 * Size);
        await cache.FlushAsync().WaitAsync(Wait);
        Assert.Equal(Text(Fill("B", 5 * Size)), Disk(dir.Root, "big"));
        Assert.Equal(Text(Fill("s", Size / 2)), Disk(dir.Root, "small"));
    }

    [Fact]
    public async Task WriteBehind_ManyWritersOnASlowDisk_PendingBytesNeverPassTheBound_AndEachFilesLastWriteLands()
    {
        const int Writers = 4, FilesPerWriter = 3, WritesPerWriter = 60, Limit = 2500;
        using var dir = new TestDirectory();
        string root = dir.Root;
        Action<string> slow = path =>
        {
            if (path.StartsWith(root, StringComparison.Ordinal))
            {
                Thread.Sleep(1); // a slow disk: flushes take real time, so writers catch up with them
            }
        };
        AtomicFile.BeforeRename += slow;
        try
        {
            using var cache = Create(root, new FakeTimeProvider(), Bounded(Limit));
            var last = new string[Writers * FilesPerWriter];
            var writers = Enumerable.Range(0, Writers).Select(w => Task.Factory.StartNew(() =>
            {
                var random = new Random(w);
                for (int i = 0; i < WritesPerWriter; i++)
                {
                    int file = (w * FilesPerWriter) + (i % FilesPerWriter);
                    string text = $"{file}:{i}:" + new string('x', random.Next(100, 1000));
                    cache.WriteAsync("p", $"f{file}", Bytes(text), WriteMode.WriteBehind).AsTask().GetAwaiter().GetResult();
                    last[file] = text;
                }
            }, TaskCreationOptions.LongRunning)).ToArray();

            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));
            await cache.FlushAsync().WaitAsync(Wait);

            Assert.True(cache.Writing.Budget.PeakBytes <= Limit, $"peak {cache.Writing.Budget.PeakBytes} > {Limit}");
            Assert.True(cache.GetStatistics().Writes.Waited > 0, "the bound was never reached: the test proves nothing");
            for (int file = 0; file < last.Length; file++)
            {
                Assert.Equal(last[file], Disk(root, $"f{file}"));
            }

            Assert.Equal((0L, 0L), (cache.Writing.Budget.Bytes, cache.Writing.Budget.Files));
        }
        finally
        {
            AtomicFile.BeforeRename -= slow;
        }
    }

    [Fact]
    public async Task Dispose_WhileAWriteWaitsForRoom_FailsItWithObjectDisposed()
    {
        using var dir = new TestDirectory();
        using var disk = new HungDisk(dir.Root);
        var cache = Create(dir.Root, new FakeTimeProvider(), o =>
        {
            Bounded(Size)(o);
            o.Writing.DisposeFlushTimeout = TimeSpan.Zero;
        });
        await cache.WriteAsync("p", "a", Fill("a", Size), WriteMode.WriteBehind);
        var waiting = cache.WriteAsync("p", "b", Fill("b", Size), WriteMode.WriteBehind);
        Assert.True(disk.Entered.Wait(Wait));

        cache.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.AsTask().WaitAsync(Wait));
    }

    private static Action<FileCacheOptions> Bounded(long bytes) => o =>
    {
        o.Writing.MaxPendingBytes = bytes;
        o.Writing.WriteBehindDelay = TimeSpan.FromHours(1); // only the back-pressure drain (or FlushAsync) flushes
    };

    private static byte[] Fill(string name, int length) => Bytes(string.Concat(Enumerable.Repeat(name, length))[..length]);

    /// <summary>Waits (on real time, bounded) until the drain a waiting writer asked for has run and no pass runs.</summary>
    private static async Task DrainPassesFinished(DefaultFileCache cache)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (Volatile.Read(ref cache.Writing.DrainRequested) == 1 || Volatile.Read(ref cache.Writing.PassRunning) == 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "the drain pass did not finish");
            await Task.Delay(5);
        }
    }

    /// <summary>A disk whose renames under one root hang until released (as a write stuck on a dead network share).</summary>
    private sealed class HungDisk : IDisposable
    {
        private readonly string _root;
        private readonly ManualResetEventSlim _release = new();
        private readonly Action<string> _hook;

        public HungDisk(string root)
        {
            _root = root;
            _hook = path =>
            {
                if (path.StartsWith(_root, StringComparison.Ordinal))
                {
                    Entered.Set();
                    _release.Wait(TimeSpan.FromSeconds(60));
                }
            };
            AtomicFile.BeforeRename += _hook;
        }

        public ManualResetEventSlim Entered { get; } = new();

        public void Release() => _release.Set();

        public void Dispose()
        {
            AtomicFile.BeforeRename -= _hook;
            _release.Set();
            _release.Dispose();
            Entered.Dispose();
        }
    }
}
