using System.Text;
using FileCache.Tests.Invalidation;

namespace FileCache.Tests.Storage;

/// <summary>Many projects, and projects whose watch takes long to set up.</summary>
public class ManyProjectsTests
{
    private const int Projects = 10_000;

    [Fact]
    public async Task TenThousandProjects_RegisteredOneByOne_AreFoundRemovedAndFencedCorrectly()
    {
        using var cache = CacheFixture.Create(1L << 30, projects: ["seed"]);
        string[] names = Enumerable.Range(0, Projects).Select(i => $"project-{i:D5}").ToArray();
        foreach (string name in names)
        {
            cache.AddProject(new FileCacheProjectOptions { Name = name });
            Assert.True(cache.Set(cache.CreateKey(name, "a"), name, CacheFixture.Size(8)));
        }

        Assert.Equal(Projects + 1, cache.Projects.Count);
        foreach (string name in names)
        {
            // By a fresh string (no reference match): the lookup must hash and probe.
            Assert.True(cache.TryGet(new StringBuilder(name).ToString(), "a", out string? value));
            Assert.Equal(name, value);
        }

        // A load in the last project that depends on a key of the first: removing that key (in a cache of 10,001
        // projects) fences it, wherever its own project is.
        var source = cache.CreateKey(names[0], "source");
        var derived = cache.CreateKey(names[^1], "derived");
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var load = cache.GetOrAddAsync(derived, (_, _) => new ValueTask<string>(gate.Task), new FileCacheEntryOptions { Size = 8, Dependencies = [source] }).AsTask();
        cache.Remove(source);
        gate.SetResult("stale");
        Assert.Equal("stale", await load.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(cache.TryGet<string>(derived, out _));

        // Remove every other project; the rest are still found, the removed ones are not, and names can be reused.
        for (int i = 0; i < Projects; i += 2)
        {
            Assert.True(cache.RemoveProject(names[i]));
        }

        for (int i = 0; i < Projects; i++)
        {
            Assert.Equal(i % 2 == 1, cache.TryGet(names[i], "a", out string? _));
        }

        Assert.Equal((Projects / 2) + 1, cache.Projects.Count);
        cache.AddProject(new FileCacheProjectOptions { Name = names[0] });
        Assert.False(cache.TryGet(names[0], "a", out string? _));
        Assert.True(cache.Set(cache.CreateKey(names[0], "a"), "again", CacheFixture.Size(8)));
        Assert.True(cache.TryGet(names[0], "a", out string? again));
        Assert.Equal("again", again);
        CacheFixture.AssertConsistent(cache);
    }
}

/// <summary>A project whose recursive watch takes long to set up (a huge root): registration must not wait for it.</summary>
[Collection(WatcherTestGroup.Name)]
public class SlowWatchSetUpTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AddProject_WatchSetUpBlocks_ReturnsAtOnceAndReadsStayFreshUntilTheWatchIsUp()
    {
        using var dir = new TestDirectory();
        dir.Write("a.txt", "one");
        using var setUp = new ManualResetEventSlim();
        using var cache = new FileCache.Storage.DefaultFileCache(new FileCacheOptions(), TimeProvider.System);
        cache.InvalidationState.WatcherFactory = root =>
        {
            setUp.Wait(); // the OS adding one watch per directory of a huge tree
            return new FileSystemWatcher(root);
        };

        try
        {
            var add = Task.Run(() => cache.AddProject(new FileCacheProjectOptions { Name = "p", RootPath = dir.Root }));
            await add.WaitAsync(Limit);

            // Meanwhile: reads are answered from disk, nothing is cached, and SynchronizeAsync does not wait for the watch.
            Assert.Equal("one", Encoding.UTF8.GetString((await cache.ReadAsync("p", "a.txt").AsTask().WaitAsync(Limit)).Content.Span));
            Assert.False(cache.TryGet("p", "a.txt", out CachedFile? _));
            dir.Write("a.txt", "two!");
            await cache.SynchronizeAsync("p").WaitAsync(Limit);
            Assert.Equal("two!", Encoding.UTF8.GetString((await cache.ReadAsync("p", "a.txt").AsTask().WaitAsync(Limit)).Content.Span));
        }
        finally
        {
            setUp.Set();
        }

        // Once the watch is up, reads are cached and changes are seen as before.
        await cache.GetPartition("p").WatchReady!.WaitAsync(Limit);
        await cache.ReadAsync("p", "a.txt");
        Assert.True(cache.TryGet("p", "a.txt", out CachedFile? cached));
        Assert.Equal(4, cached!.Length);
        dir.Write("a.txt", "three");
        await cache.SynchronizeAsync("p").WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("three", Encoding.UTF8.GetString((await cache.ReadAsync("p", "a.txt")).Content.Span));
    }

    [Fact]
    public async Task AddProject_LoadStartedBeforeTheWatchWasUp_IsNotCached()
    {
        using var dir = new TestDirectory();
        dir.Write("a.txt", "one");
        using var setUp = new ManualResetEventSlim();
        using var cache = new FileCache.Storage.DefaultFileCache(new FileCacheOptions(), TimeProvider.System);
        cache.InvalidationState.WatcherFactory = root =>
        {
            setUp.Wait();
            return new FileSystemWatcher(root);
        };
        var readDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cache.AfterDiskRead = async _ =>
        {
            readDone.TrySetResult();
            await release.Task;
        };

        try
        {
            await Task.Run(() => cache.AddProject(new FileCacheProjectOptions { Name = "p", RootPath = dir.Root })).WaitAsync(Limit);
            var read = cache.ReadAsync("p", "a.txt").AsTask();
            await readDone.Task.WaitAsync(Limit);

            // The watch comes up after the read and before the load inserts: the file may have changed in between.
            setUp.Set();
            await cache.GetPartition("p").WatchReady!.WaitAsync(Limit);
            release.SetResult();
            await read.WaitAsync(Limit);
            Assert.False(cache.TryGet("p", "a.txt", out CachedFile? _));
        }
        finally
        {
            setUp.Set();
            release.TrySetResult();
        }
    }
}
