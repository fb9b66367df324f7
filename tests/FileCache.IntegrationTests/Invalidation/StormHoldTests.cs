using FileCache.Invalidation;
using Microsoft.Extensions.Time.Testing;
using static FileCache.Tests.Invalidation.InvalidationFixture;

namespace FileCache.Tests.Invalidation;

/// <summary>
/// A change storm longer than the debounce (a branch switch on a slow disk) on a real directory: with
/// <see cref="InvalidationOptions.StormMaxDelay"/> its batch is held until the events pause and it is one directory
/// invalidation (one log entry in a cluster); without, one per debounce window.
/// </summary>
[Collection(WatcherTestGroup.Name)]
public sealed class StormHoldTests
{
    private const int Chunks = 4, PerChunk = 100;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ChangeStorm_InChunksLongerThanTheDebounce_OneDirectoryInvalidationOnlyWhenHeld(bool hold)
    {
        // Real watcher events, a fake clock: the debounce and the hold are timed by the test, whatever the machine's load.
        using var dir = new TestDirectory();
        for (int i = 0; i < Chunks * PerChunk; i++)
        {
            dir.Write($"big/f{i}.txt", "v0");
        }

        dir.Write("probe.txt", "p");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow) { AutoAdvanceAmount = TimeSpan.Zero };
        var hook = new Recorder();
        using var cache = CreateRooted(dir.Root, time, o =>
        {
            o.WatcherDebounce = TimeSpan.FromMilliseconds(20);
            o.StormMaxDelay = hold ? TimeSpan.FromSeconds(10) : TimeSpan.Zero;   // held until a 1 s pause
        }, hooks: [hook]);
        await WatchingAsync(cache);
        var watcher = cache.InvalidationState.Watchers.Values.Single();
        for (int i = 0; i < Chunks * PerChunk; i++)
        {
            await cache.ReadAsync("p", $"big/f{i}.txt");
        }

        // Each chunk's events all arrive, then 300 ms pass: more than the debounce, less than the hold's quiet period.
        for (int chunk = 0; chunk < Chunks; chunk++)
        {
            int pendingBefore = watcher.PendingCount;
            for (int i = chunk * PerChunk; i < (chunk + 1) * PerChunk; i++)
            {
                dir.Write($"big/f{i}.txt", "v1");
            }

            await UntilAsync(() => watcher.PendingCount >= pendingBefore + PerChunk, "the chunk's events");
            await Task.Delay(200); // a write may raise a second event: let them land in this chunk's batch
            time.Advance(TimeSpan.FromMilliseconds(300));
        }

        int directoriesDuringTheStorm = hook.Count(r => r is DirectoryInvalidation { Directory: "big" });
        time.Advance(TimeSpan.FromSeconds(2)); // the events paused: the held batch goes
        await UntilAsync(() => watcher.PendingCount == 0, "the batch applied");
        int directories = hook.Count(r => r is DirectoryInvalidation { Directory: "big", Cause: InvalidationCause.Watcher });
        int files = hook.Count(r => r is DirectoryInvalidation { Directory: var d } && d.StartsWith("big/", StringComparison.Ordinal));
        if (hold)
        {
            Assert.Equal(0, directoriesDuringTheStorm);
            Assert.Equal((1, 0), (directories, files));
        }
        else
        {
            Assert.True(directories >= 2, $"without the hold the storm was {directories} directory and {files} file invalidations");
        }

        for (int i = 0; i < Chunks * PerChunk; i++)
        {
            Assert.Equal("v1"u8.ToArray(), (await cache.ReadAsync("p", $"big/f{i}.txt")).Content.ToArray());
        }
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "never: " + what);
            await Task.Delay(10);
        }
    }

    /// <summary>Waits until the project's watcher runs: while it is being set up, nothing read is cached.</summary>
    private static async Task WatchingAsync(FileCache.Storage.DefaultFileCache cache)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            await cache.ReadAsync("p", "probe.txt");
            if (cache.TryGet("p", "probe.txt", out CachedFile? _))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "the watcher never started");
            await Task.Delay(20);
        }
    }

    private sealed class Recorder : IInvalidationHook
    {
        private readonly List<InvalidationRequest> _requests = [];

        public int Count(Func<InvalidationRequest, bool> match)
        {
            lock (_requests)
            {
                return _requests.Count(match);
            }
        }

        public void OnInvalidating(InvalidatingContext context)
        {
            lock (_requests)
            {
                _requests.Add(context.Request);
            }
        }

        public void OnInvalidated(InvalidationRequest request, IReadOnlyCollection<FileKey> keys)
        {
        }
    }
}
