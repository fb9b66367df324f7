using FileCache.Writing;
using Microsoft.Extensions.Time.Testing;
using static FileCache.Tests.Writing.WriteFixture;

namespace FileCache.Tests.Writing;

public sealed class WriteThroughTests
{
    [Fact]
    public async Task WriteThrough_NewFile_IsOnDiskAndCachedWithTheDiskVersion()
    {
        using var dir = new TestDirectory();
        using var cache = Create(dir.Root, new FakeTimeProvider());

        var file = await cache.WriteAsync("p", "src/new.txt", Bytes("hello"));

        Assert.Equal("hello", Disk(dir.Root, "src/new.txt"));
        var info = new FileInfo(Path.Join(dir.Root, "src/new.txt"));
        Assert.Equal(info.Length, file.Version.Length);
        Assert.Equal(info.LastWriteTimeUtc, file.Version.LastWriteTimeUtc.UtcDateTime);
        Assert.True(cache.TryGet("p", "src/new.txt", out CachedFile? hit));
        Assert.Equal("hello", Text(hit!.Content));
        Assert.Empty(TempFiles(dir.Root));
        Assert.Equal(1, cache.GetStatistics().Writes.WritesThrough);
    }

    [Fact]
    public async Task WriteThrough_ReplacesACachedFile_ReadsSeeTheNewBytes()
    {
        using var dir = new TestDirectory();
        dir.Write("a.txt", "old");
        using var cache = Create(dir.Root, new FakeTimeProvider());
        Assert.Equal("old", Text((await cache.ReadAsync("p", "a.txt")).Content));

        await cache.WriteAsync("p", "a.txt", Bytes("newer"));

        Assert.Equal("newer", Disk(dir.Root, "a.txt"));
        Assert.Equal("newer", Text((await cache.ReadAsync("p", "a.txt")).Content));
    }

    [Fact]
    public async Task WriteThrough_CallerReusesItsBuffer_CacheKeepsTheWrittenBytes()
    {
        using var dir = new TestDirectory();
        using var cache = Create(dir.Root, new FakeTimeProvider());
        byte[] buffer = Bytes("abc");

        await cache.WriteAsync("p", "a.txt", buffer);
        buffer[0] = (byte)'X';

        Assert.Equal("abc", Text((await cache.ReadAsync("p", "a.txt")).Content));
    }

    [Fact]
    public async Task WriteThrough_LoadUnderWayOfTheOldFile_DoesNotCacheItsBytes()
    {
        using var dir = new TestDirectory();
        dir.Write("a.txt", "old");
        using var cache = Create(dir.Root, new FakeTimeProvider());
        var pause = new TaskCompletionSource();
        var read = new TaskCompletionSource();
        cache.AfterDiskRead = _ =>
        {
            read.TrySetResult();
            return new ValueTask(pause.Task);
        };

        var slowRead = cache.ReadAsync("p", "a.txt").AsTask();
        await read.Task;
        cache.AfterDiskRead = null;
        await cache.WriteAsync("p", "a.txt", Bytes("new!"));
        pause.SetResult();

        Assert.Equal("old", Text((await slowRead).Content)); // it started before the write
        Assert.True(cache.TryGet("p", "a.txt", out CachedFile? hit));
        Assert.Equal("new!", Text(hit!.Content));
    }

    [Fact]
    public async Task WriteThrough_TargetIsADirectory_ThrowsAndLeavesTheCacheAsItWas()
    {
        using var dir = new TestDirectory();
        Directory.CreateDirectory(Path.Join(dir.Root, "d"));
        using var cache = Create(dir.Root, new FakeTimeProvider());

        await Assert.ThrowsAnyAsync<IOException>(async () => await cache.WriteAsync("p", "d", Bytes("x")));

        Assert.False(cache.TryGet("p", "d", out CachedFile? _));
        Assert.Empty(TempFiles(dir.Root));
    }

    [Fact]
    public async Task WriteAsync_BadArguments_ThrowNamingThem()
    {
        using var dir = new TestDirectory();
        var options = new FileCacheOptions();
        options.Invalidation.Mode = FileCache.Invalidation.ValidationMode.None;
        options.AddProject("p", dir.Root);
        options.AddProject("derived", null);
        using var cache = FileCacheFactory.Create(options, new FakeTimeProvider());

        Assert.Equal("path", (await Assert.ThrowsAsync<ArgumentException>(async () => await cache.WriteAsync("p", "../escape.txt", Bytes("x")))).ParamName);
        Assert.Equal("project", (await Assert.ThrowsAsync<ArgumentException>(async () => await cache.WriteAsync("nope", "a.txt", Bytes("x")))).ParamName);
        Assert.Equal("mode", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await cache.WriteAsync("p", "a.txt", Bytes("x"), (WriteMode)7))).ParamName);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await cache.WriteAsync("derived", "a.txt", Bytes("x")));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await cache.WriteAsync("p", "a.txt", Bytes("x"), WriteMode.WriteThrough, new CancellationToken(true)));
        Assert.False(File.Exists(Path.Join(dir.Root, "a.txt")));
    }

    [Fact]
    public async Task WriteThrough_ManyThreadsManyKeys_EachFileHoldsItsLastWrite()
    {
        using var dir = new TestDirectory();
        using var cache = Create(dir.Root, TimeProvider.System, o => o.Writing.WriteBehindDelay = TimeSpan.Zero);
        const int Threads = 4, Writes = 60;
        var workers = Enumerable.Range(0, Threads).Select(t => Task.Run(async () =>
        {
            for (int i = 0; i < Writes; i++)
            {
                var mode = i % 3 == 0 ? WriteMode.WriteThrough : WriteMode.WriteBehind;
                await cache.WriteAsync("p", $"f{(t + i) % 5}.txt", Bytes($"{t}:{i}"), mode);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        await cache.FlushAsync();

        for (int f = 0; f < 5; f++)
        {
            Assert.True(cache.TryGet("p", $"f{f}.txt", out CachedFile? cached));
            Assert.Equal(Text(cached!.Content), Disk(dir.Root, $"f{f}.txt"));
        }

        Assert.Equal(0, cache.GetStatistics().Writes.Pending);
        Assert.Empty(TempFiles(dir.Root));
        // A background pass may still hold a key it found clean; once it lets go, no write state is left behind.
        Assert.True(SpinWait.SpinUntil(() => cache.Writing.States.IsEmpty, TimeSpan.FromSeconds(10)));
    }
}
