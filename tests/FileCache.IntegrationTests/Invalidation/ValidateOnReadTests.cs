using FileCache.Invalidation;
using Microsoft.Extensions.Time.Testing;
using static FileCache.Tests.Invalidation.InvalidationFixture;

namespace FileCache.Tests.Invalidation;

/// <summary>ValidateOnRead: a hit stats the file at most once per interval per entry; timing with a fake clock.</summary>
public sealed class ValidateOnReadTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Hit_InsideTheInterval_DoesNotLookAtTheDisk_AfterItRereads()
    {
        using var dir = new TestDirectory();
        dir.Write("a.txt", "one");
        var time = new FakeTimeProvider();
        using var cache = CreateRooted(dir.Root, time, o => { o.Mode = ValidationMode.ValidateOnRead; o.ValidationInterval = Interval; });
        Assert.Equal(3, (await cache.ReadAsync("p", "a.txt")).Length);
        dir.Write("a.txt", "two!");

        time.Advance(Interval - TimeSpan.FromMilliseconds(300));
        Assert.True(cache.TryGet("p", "a.txt", out CachedFile? inside));
        Assert.Equal(3, inside!.Length);

        time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Equal(4, (await cache.ReadAsync("p", "a.txt")).Length);
        Assert.Equal(1, cache.GetStatistics().Invalidation!.GetCount(InvalidationCause.VersionMismatch));
    }

    [Fact]
    public async Task Hit_AfterTheInterval_UnchangedOldFile_StaysCached()
    {
        using var dir = new TestDirectory();
        dir.Write("a.txt", "one");
        File.SetLastWriteTimeUtc(Path.Combine(dir.Root, "a.txt"), DateTime.UtcNow.AddHours(-1));
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var cache = CreateRooted(dir.Root, time, o => { o.Mode = ValidationMode.ValidateOnRead; o.ValidationInterval = Interval; });
        var first = await cache.ReadAsync("p", "a.txt");

        for (int i = 0; i < 3; i++)
        {
            time.Advance(Interval);
            Assert.True(cache.TryGet("p", "a.txt", out CachedFile? again));
            Assert.Same(first, again);
        }

        Assert.Equal(1, cache.GetStatistics().Total.Loads);
    }

    [Fact]
    public async Task Hit_RecentlyWrittenFile_IsRereadAtTheNextCheck_EvenWithTheSameLengthAndTime()
    {
        using var dir = new TestDirectory();
        string path = dir.Write("a.txt", "one");
        var mtime = DateTime.UtcNow;
        File.SetLastWriteTimeUtc(path, mtime);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var cache = CreateRooted(dir.Root, time, o => { o.Mode = ValidationMode.ValidateOnRead; o.ValidationInterval = Interval; });
        await cache.ReadAsync("p", "a.txt");

        // Same length, same last-write time: only the "racy" rule can tell.
        File.WriteAllText(path, "two");
        File.SetLastWriteTimeUtc(path, mtime);
        time.Advance(Interval);

        Assert.Equal("two"u8.ToArray(), (await cache.ReadAsync("p", "a.txt")).Content.ToArray());
    }

    [Fact]
    public async Task Hit_FileRenamedOverBySameLengthAndTime_IsReread_WhenTheCachesClockRunsAheadOfTheDisks()
    {
        // The "written just before it was read" rule compares the file's last-write time with the clock the file
        // system stamps with. A cache on a clock an hour ahead (here a fake one) must not conclude "written long
        // ago, its length and time are enough" for a file written a moment ago.
        using var dir = new TestDirectory();
        string a = dir.Write("a.txt", "AAA");
        string b = dir.Write("b.txt", "BBB");
        var mtime = DateTime.UtcNow;
        File.SetLastWriteTimeUtc(a, mtime);
        File.SetLastWriteTimeUtc(b, mtime);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(1));
        using var cache = CreateRooted(dir.Root, time, o => { o.Mode = ValidationMode.ValidateOnRead; o.ValidationInterval = Interval; });
        Assert.Equal("BBB"u8.ToArray(), (await cache.ReadAsync("p", "b.txt")).Content.ToArray());

        // Same length, same last-write time, another file: only the rule can tell.
        File.Move(a, b, overwrite: true);
        time.Advance(Interval);

        Assert.Equal("AAA"u8.ToArray(), (await cache.ReadAsync("p", "b.txt")).Content.ToArray());
    }

    [Fact]
    public async Task Hit_AfterTheFileWasDeleted_Misses()
    {
        using var dir = new TestDirectory();
        string path = dir.Write("a.txt", "one");
        var time = new FakeTimeProvider();
        using var cache = CreateRooted(dir.Root, time, o => { o.Mode = ValidationMode.ValidateOnRead; o.ValidationInterval = Interval; });
        await cache.ReadAsync("p", "a.txt");
        File.Delete(path);

        time.Advance(Interval);

        Assert.False(cache.TryGet("p", "a.txt", out CachedFile? _));
        await Assert.ThrowsAsync<FileNotFoundException>(async () => await cache.ReadAsync("p", "a.txt"));
    }

    [Fact]
    public async Task ZeroInterval_ChecksOnEveryRead()
    {
        using var dir = new TestDirectory();
        dir.Write("a.txt", "one");
        using var cache = CreateRooted(dir.Root, new FakeTimeProvider(), o => { o.Mode = ValidationMode.ValidateOnRead; o.ValidationInterval = TimeSpan.Zero; });
        await cache.ReadAsync("p", "a.txt");
        dir.Write("a.txt", "three");

        Assert.Equal(5, (await cache.ReadAsync("p", "a.txt")).Length);
    }

    [Fact]
    public async Task SlowDiskRead_OlderThanTheInterval_IsNotJoined_AndDoesNotCacheItsBytes()
    {
        using var dir = new TestDirectory();
        string path = dir.Write("a.txt", "old");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var cache = CreateRooted(dir.Root, time, o => { o.Mode = ValidationMode.ValidateOnRead; o.ValidationInterval = Interval; });
        var read = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cache.AfterDiskRead = async _ =>
        {
            if (!release.Task.IsCompleted)
            {
                read.TrySetResult();
                await release.Task;
            }
        };

        // A miss reads "old", then is slow to finish; meanwhile the file changes and a full interval passes.
        var slow = cache.ReadAsync("p", "a.txt").AsTask();
        await read.Task.WaitAsync(TimeSpan.FromSeconds(30));
        File.WriteAllText(path, "new!");
        time.Advance(Interval);

        // A reader now must not join a read that may predate the change: it reads the disk itself.
        var fresh = cache.ReadAsync("p", "a.txt").AsTask();
        release.SetResult();
        Assert.Equal("new!"u8.ToArray(), (await fresh.WaitAsync(TimeSpan.FromSeconds(30))).Content.ToArray());

        // The slow read answers its own caller (who asked before the change) but its bytes are not cached.
        Assert.Equal("old"u8.ToArray(), (await slow.WaitAsync(TimeSpan.FromSeconds(30))).Content.ToArray());
        Assert.True(cache.TryGet("p", "a.txt", out CachedFile? cached));
        Assert.Equal("new!"u8.ToArray(), cached!.Content.ToArray());
    }

    [Fact]
    public async Task SlowDerivedDataLoad_OlderThanTheInterval_IsStillJoined()
    {
        using var dir = new TestDirectory();
        dir.Write("a.txt", "one");
        var time = new FakeTimeProvider();
        using var cache = CreateRooted(dir.Root, time, o => { o.Mode = ValidationMode.ValidateOnRead; o.ValidationInterval = Interval; });
        var key = cache.CreateKey("p", "a.txt", "model");
        var release = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = cache.GetOrAddAsync(key, async (_, _) => await release.Task, Sized).AsTask();

        // Derived-data loads are not file reads: they are joined whatever their age.
        time.Advance(Interval * 2);
        var joined = cache.GetOrAddAsync(key, (_, _) => ValueTask.FromResult("other"), Sized).AsTask();
        release.SetResult("slow");

        Assert.Equal("slow", await slow);
        Assert.Equal("slow", await joined);
    }

    [Fact]
    public async Task ContentHash_WhenEnabled_IsPartOfTheVersion()
    {
        using var dir = new TestDirectory();
        dir.Write("a.txt", "one");
        dir.Write("b.txt", "one");
        dir.Write("c.txt", "two");
        using var cache = CreateRooted(dir.Root, new FakeTimeProvider(), o => { o.Mode = ValidationMode.None; o.ComputeContentHash = true; });

        var a = (await cache.ReadAsync("p", "a.txt")).Version.ContentHash;
        var b = (await cache.ReadAsync("p", "b.txt")).Version.ContentHash;
        var c = (await cache.ReadAsync("p", "c.txt")).Version.ContentHash;

        Assert.NotNull(a);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Options_Invalid_FailAtStartUpOneMessagePerField()
    {
        var options = new FileCacheOptions();
        options.Invalidation.ValidationInterval = TimeSpan.FromSeconds(-1);
        options.Invalidation.StormThreshold = 1;
        options.Invalidation.PollingInterval = TimeSpan.Zero;
        options.Invalidation.MaxStaleness = TimeSpan.Zero;
        options.Invalidation.Mode = (ValidationMode)8;
        options.Invalidation.WatcherRetryInterval = TimeSpan.Zero;
        options.Invalidation.SynchronizeTimeout = TimeSpan.FromSeconds(-1);
        options.Invalidation.StormMaxDelay = TimeSpan.FromSeconds(-1);

        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => FileCacheFactory.Create(options));

        Assert.Equal(8, ex.Failures.Count());
        Assert.Contains(ex.Failures, f => f.Contains("Invalidation.StormMaxDelay", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("Invalidation.ValidationInterval", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("Invalidation.WatcherRetryInterval", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("Invalidation.SynchronizeTimeout", StringComparison.Ordinal));

        // "Never retry" is a valid choice.
        var never = new FileCacheOptions();
        never.Invalidation.WatcherRetryInterval = Timeout.InfiniteTimeSpan;
        using var cache = FileCacheFactory.Create(never);
    }
}
