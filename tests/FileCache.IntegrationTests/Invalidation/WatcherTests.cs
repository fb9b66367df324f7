using FileCache.Invalidation;
using FileCache.Sources;
using Microsoft.Extensions.Time.Testing;
using static FileCache.Tests.Invalidation.InvalidationFixture;

namespace FileCache.Tests.Invalidation;

/// <summary>
/// The watcher on a real directory. No sleeping: <see cref="IFileCache.SynchronizeAsync"/> waits for a sentinel
/// file's event, which inotify delivers after every earlier event of the same watcher (coalesced or not).
/// </summary>
[Collection(WatcherTestGroup.Name)]
public sealed class WatcherTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Change_AfterSynchronize_IsRead()
    {
        using var dir = new TestDirectory();
        dir.Write("src/a.txt", "one");
        using var cache = CreateRooted(dir.Root, TimeProvider.System);
        Assert.Equal(3, (await cache.ReadAsync("p", "src/a.txt")).Length);

        dir.Write("src/a.txt", "two!");
        await cache.SynchronizeAsync("p").WaitAsync(Wait);

        Assert.False(cache.TryGet("p", "src/a.txt", out CachedFile? _));
        Assert.Equal(4, (await cache.ReadAsync("p", "src/a.txt")).Length);
        Assert.True(cache.GetStatistics().Invalidation!.GetCount(InvalidationCause.Watcher) >= 1);
        Assert.False(File.Exists(Directory.GetFiles(dir.Root, ProjectWatcher.SentinelPrefix + "*").FirstOrDefault() ?? "/nonexistent"));
    }

    [Fact]
    public async Task DirectoryDelete_InvalidatesItsSubtree()
    {
        using var dir = new TestDirectory();
        dir.Write("gone/a.txt", "a");
        dir.Write("gone/deep/b.txt", "b");
        dir.Write("kept/c.txt", "c");
        using var cache = CreateRooted(dir.Root, TimeProvider.System);
        await cache.ReadAsync("p", "gone/a.txt");
        await cache.ReadAsync("p", "gone/deep/b.txt");
        await cache.ReadAsync("p", "kept/c.txt");

        Directory.Delete(Path.Combine(dir.Root, "gone"), recursive: true);
        await cache.SynchronizeAsync("p").WaitAsync(Wait);

        Assert.False(cache.TryGet("p", "gone/a.txt", out CachedFile? _));
        Assert.False(cache.TryGet("p", "gone/deep/b.txt", out CachedFile? _));
        Assert.True(cache.TryGet("p", "kept/c.txt", out CachedFile? _));
        await Assert.ThrowsAnyAsync<IOException>(async () => await cache.ReadAsync("p", "gone/a.txt"));
    }

    [Fact]
    public async Task DirectoryRename_InvalidatesTheOldSubtree()
    {
        using var dir = new TestDirectory();
        dir.Write("old/x/a.txt", "a");
        dir.Write("new/a.txt", "stale");
        using var cache = CreateRooted(dir.Root, TimeProvider.System);
        await cache.ReadAsync("p", "old/x/a.txt");
        await cache.ReadAsync("p", "new/a.txt");

        Directory.Delete(Path.Combine(dir.Root, "new"), recursive: true);
        Directory.Move(Path.Combine(dir.Root, "old", "x"), Path.Combine(dir.Root, "new"));
        await cache.SynchronizeAsync("p").WaitAsync(Wait);

        Assert.False(cache.TryGet("p", "old/x/a.txt", out CachedFile? _));
        Assert.Equal("a"u8.ToArray(), (await cache.ReadAsync("p", "new/a.txt")).Content.ToArray());
    }

    [Fact]
    public async Task FileRenameOverAnother_InvalidatesBoth()
    {
        using var dir = new TestDirectory();
        dir.Write("a.txt", "aaa");
        dir.Write("b.txt", "b");
        using var cache = CreateRooted(dir.Root, TimeProvider.System);
        await cache.ReadAsync("p", "a.txt");
        await cache.ReadAsync("p", "b.txt");

        File.Move(Path.Combine(dir.Root, "a.txt"), Path.Combine(dir.Root, "b.txt"), overwrite: true);
        await cache.SynchronizeAsync("p").WaitAsync(Wait);

        Assert.False(cache.TryGet("p", "a.txt", out CachedFile? _));
        Assert.Equal(3, (await cache.ReadAsync("p", "b.txt")).Length);
    }

    [Fact]
    public async Task Change_OfAnUncachedDependency_InvalidatesItsDependants()
    {
        using var dir = new TestDirectory();
        dir.Write("main.c", "int main;");
        dir.Write("include/h.h", "#define X");
        using var cache = CreateRooted(dir.Root, TimeProvider.System);
        var model = cache.CreateKey("p", "main.c", "ast");
        cache.Set(model, "parsed", new FileCacheEntryOptions { Size = 10, Dependencies = [cache.CreateKey("p", "main.c"), cache.CreateKey("p", "include/h.h")] });

        dir.Write("include/h.h", "#define Y");
        await cache.SynchronizeAsync("p").WaitAsync(Wait);

        Assert.False(cache.TryGet(model, out string? _));
    }

    [Fact]
    public async Task Events_AreDebounced_AppliedWhenTheDebounceElapses()
    {
        using var dir = new TestDirectory();
        dir.Write("a.txt", "one");
        var time = new FakeTimeProvider();
        using var cache = CreateRooted(dir.Root, time, o => o.WatcherDebounce = TimeSpan.FromSeconds(1));
        await cache.ReadAsync("p", "a.txt");
        var watcher = cache.WatcherFor("p")!;

        dir.Write("a.txt", "two!");
        Assert.True(SpinWait.SpinUntil(() => watcher.PendingCount > 0, Wait), "the watcher delivered no event");
        Assert.True(cache.TryGet("p", "a.txt", out CachedFile? _));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, watcher.PendingCount);
        Assert.False(cache.TryGet("p", "a.txt", out CachedFile? _));
    }

    [Fact]
    public async Task Overflow_InvalidatesTheProject_AndIsCounted()
    {
        using var dir = new TestDirectory();
        dir.Write("a.txt", "a");
        using var cache = CreateRooted(dir.Root, TimeProvider.System);
        await cache.ReadAsync("p", "a.txt");

        cache.WatcherFor("p")!.OnError(new InternalBufferOverflowException());

        Assert.False(cache.TryGet("p", "a.txt", out CachedFile? _));
        var stats = cache.GetStatistics().Invalidation!;
        Assert.Equal(1, stats.WatcherOverflows);
        Assert.Equal(1, stats.GetCount(InvalidationCause.Overflow));
        Assert.False(cache.WatcherFor("p")!.IsPolling);
    }

    [Fact]
    public async Task WatcherError_SwitchesToPolling()
    {
        using var dir = new TestDirectory();
        dir.Write("a.txt", "a");
        using var cache = CreateRooted(dir.Root, new FakeTimeProvider());
        await cache.ReadAsync("p", "a.txt");

        cache.WatcherFor("p")!.OnError(new IOException("The configured user limit on the number of inotify watches was reached."));

        Assert.True(cache.WatcherFor("p")!.IsPolling);
        Assert.Equal(1, cache.GetStatistics().Invalidation!.PollingFallbacks);
    }

    [Fact]
    public async Task WatcherThatCannotStart_FallsBackToPolling_WhichFindsChanges()
    {
        using var dir = new TestDirectory();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var cache = await CreateAtTheWatchLimit(dir, time, o => o.PollingInterval = TimeSpan.FromSeconds(5), () => true);

        Assert.True(cache.WatcherFor("p")!.IsPolling);
        Assert.Equal(1, cache.GetStatistics().Invalidation!.PollingFallbacks);
        dir.Write("a.txt", "two!");

        time.Advance(TimeSpan.FromSeconds(5));

        Assert.False(cache.TryGet("p", "a.txt", out CachedFile? _));
        Assert.True(cache.TryGet("p", "b.txt", out CachedFile? _));
        Assert.Equal(4, (await cache.ReadAsync("p", "a.txt")).Length);
    }

    [Fact]
    public async Task PollingFallback_WatchesAgainOnceAWatcherCanStart_AfterOneLastPoll()
    {
        using var dir = new TestDirectory();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        bool limitReached = true;
        using var cache = await CreateAtTheWatchLimit(
            dir,
            time,
            o =>
            {
                o.PollingInterval = TimeSpan.FromHours(1);
                o.WatcherRetryInterval = TimeSpan.FromMinutes(1);
            },
            () => limitReached);
        var watcher = cache.WatcherFor("p")!;
        Assert.True(watcher.IsPolling);

        // Still at the limit: the retry fails quietly (one fallback counted, not one per retry) and polling goes on.
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(watcher.IsPolling);
        Assert.Equal(1, cache.GetStatistics().Invalidation!.PollingFallbacks);

        // A change while nothing watches and no poll is due: only the last poll of the recovery can see it.
        dir.Write("a.txt", "two!");
        limitReached = false;
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.False(watcher.IsPolling);
        Assert.False(cache.TryGet("p", "a.txt", out CachedFile? _));
        Assert.True(cache.TryGet("p", "b.txt", out CachedFile? _));
        Assert.Equal(4, (await cache.ReadAsync("p", "a.txt")).Length);

        // Watching again: a change reaches the cache as an event.
        dir.Write("b.txt", "changed");
        await cache.SynchronizeAsync("p").WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(cache.TryGet("p", "b.txt", out CachedFile? _));
        Assert.Equal(1, cache.GetStatistics().Invalidation!.PollingFallbacks);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TouchedFile_WithContentHashes_KeepsItsEntryAndDependants_UntilItsBytesChange(bool hashes)
    {
        using var dir = new TestDirectory();
        string path = dir.Write("a.txt", "same bytes");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-1));
        using var cache = CreateRooted(dir.Root, TimeProvider.System, o => o.ComputeContentHash = hashes);
        var file = cache.CreateKey("p", "a.txt");
        var first = await cache.ReadAsync(file);
        var model = cache.CreateKey("p", "a.txt", "model");
        await cache.GetOrAddAsync(model, (_, _) => ValueTask.FromResult("parsed"), new FileCacheEntryOptions { Size = 10, Dependencies = [file] });

        // Touched: a new last-write time, the same bytes (a branch switch or a build rewriting an identical file).
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        await cache.SynchronizeAsync("p").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(hashes, cache.TryGet(file, out CachedFile? kept));
        Assert.Equal(hashes, cache.TryGet(model, out string? _));
        Assert.Equal(hashes ? 1 : 0, cache.GetStatistics().Invalidation!.UnchangedKept);
        if (hashes)
        {
            // The entry now carries the file's new version (and the same bytes).
            Assert.NotEqual(first.Version.LastWriteTimeUtc, kept!.Version.LastWriteTimeUtc);
            Assert.Equal(first.Version.ContentHash, kept.Version.ContentHash);
            Assert.Equal(first.Content.ToArray(), kept.Content.ToArray());
        }

        // New bytes: invalidated as always, dependants too.
        File.WriteAllText(path, "other bytes");
        await cache.SynchronizeAsync("p").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(cache.TryGet(file, out CachedFile? _));
        Assert.False(cache.TryGet(model, out string? _));
        Assert.Equal("other bytes"u8.ToArray(), (await cache.ReadAsync(file)).Content.ToArray());
    }

    [Fact]
    public async Task Polling_WithContentHashes_KeepsAJustWrittenFileWhoseBytesDidNotChange()
    {
        using var dir = new TestDirectory();
        dir.Write("a.txt", "one");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var cache = CreateRooted(dir.Root, time, o =>
        {
            o.UsePolling = true;
            o.PollingInterval = TimeSpan.FromSeconds(5);
            o.ComputeContentHash = true;
        });
        var first = await cache.ReadAsync("p", "a.txt");

        // Written a moment before it was read, so a poll cannot trust its length and time: it reads it again.
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(cache.TryGet("p", "a.txt", out CachedFile? _));
        Assert.Equal(1, cache.GetStatistics().Invalidation!.UnchangedKept);

        dir.Write("a.txt", "two!");
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(cache.TryGet("p", "a.txt", out CachedFile? _));
        Assert.Equal(4, (await cache.ReadAsync("p", "a.txt")).Length);
        Assert.NotEqual(first.Version.ContentHash, (await cache.ReadAsync("p", "a.txt")).Version.ContentHash);
    }

    [Fact]
    public void ChangeStorm_CollapsesIntoOneDirectoryInvalidation()
    {
        var requests = new List<InvalidationRequest>();
        using var cache = Create(hooks: [new RecordingHook(requests)], configure: o => o.StormThreshold = 10);
        var partition = cache.PartitionFor("p");
        var changes = new List<WatcherChange>();
        for (int i = 0; i < 50; i++)
        {
            Put(cache, $"big/f{i}.cs");
            changes.Add(new WatcherChange($"big/f{i}.cs", Deletion: false));
        }

        var lone = Put(cache, "small/one.cs");
        var untouched = Put(cache, "small/two.cs");
        changes.Add(new WatcherChange("small/one.cs", Deletion: true));

        cache.ApplyWatcherChanges(partition, changes);

        Assert.Equal(2, requests.Count);
        Assert.Contains(requests, r => r is DirectoryInvalidation { Directory: "big", Cause: InvalidationCause.Watcher });
        Assert.Contains(requests, r => r is DirectoryInvalidation { Directory: "small/one.cs", IsDeletion: true });
        Assert.Equal(1, cache.GetStatistics().Invalidation!.StormsCollapsed);
        Assert.False(Has(cache, lone));
        Assert.True(Has(cache, untouched));
        Assert.Equal(1, cache.GetStatistics().Total.Entries);
    }

    /// <summary>
    /// A cache whose watchers cannot start while <paramref name="limitReached"/> says so (the OS watch limit), with
    /// project "p" on <paramref name="dir"/> holding a.txt (just written) and b.txt (written an hour ago), both cached.
    /// </summary>
    private static async Task<FileCache.Storage.DefaultFileCache> CreateAtTheWatchLimit(TestDirectory dir, FakeTimeProvider time, Action<InvalidationOptions> configure, Func<bool> limitReached)
    {
        dir.Write("a.txt", "one");
        dir.Write("b.txt", "bb");
        File.SetLastWriteTimeUtc(Path.Combine(dir.Root, "b.txt"), DateTime.UtcNow.AddHours(-1));
        var options = new FileCacheOptions();
        configure(options.Invalidation);
        var cache = new FileCache.Storage.DefaultFileCache(options, time);
        cache.InvalidationState.WatcherFactory = root => limitReached()
            ? throw new IOException("The configured user limit (128) on the number of inotify instances has been reached.")
            : new FileSystemWatcher(root);
        cache.AddProject(new FileCacheProjectOptions { Name = "p", RootPath = dir.Root });
        await cache.ReadAsync("p", "a.txt");
        await cache.ReadAsync("p", "b.txt");
        return cache;
    }

    private sealed class RecordingHook(List<InvalidationRequest> requests) : IInvalidationHook
    {
        public void OnInvalidating(InvalidatingContext context) => requests.Add(context.Request);

        public void OnInvalidated(InvalidationRequest request, IReadOnlyCollection<FileKey> keys)
        {
        }
    }
}

/// <summary>
/// Watcher and coherence tests run one at a time and alone: every FileSystemWatcher of the process shares one inotify
/// instance and one reading thread, and the coherence test's writers and readers need the two cores to themselves.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WatcherTestGroup
{
    public const string Name = "Watcher";
}
