using FileCache.Invalidation;
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
        using var dir = new TestDirectory();
        for (int i = 0; i < Chunks * PerChunk; i++)
        {
            dir.Write($"big/f{i}.txt", "v0");
        }

        dir.Write("probe.txt", "p");
        var hook = new Recorder();
        using var cache = CreateRooted(dir.Root, TimeProvider.System, o =>
        {
            o.WatcherDebounce = TimeSpan.FromMilliseconds(150);      // the first window sees a chunk (StormThreshold 64)
            o.StormMaxDelay = hold ? TimeSpan.FromSeconds(10) : TimeSpan.Zero;
        }, hooks: [hook]);
        await WatchingAsync(cache);
        for (int i = 0; i < Chunks * PerChunk; i++)
        {
            await cache.ReadAsync("p", $"big/f{i}.txt");
        }

        // Chunks 300 ms apart: each outlasts the debounce, and the pauses are shorter than the hold's quiet period (1 s).
        for (int chunk = 0; chunk < Chunks; chunk++)
        {
            for (int i = chunk * PerChunk; i < (chunk + 1) * PerChunk; i++)
            {
                dir.Write($"big/f{i}.txt", "v1");
            }

            await Task.Delay(300);
        }

        // Applied without a synchronization: the held batch goes once the events paused.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (hook.Count(r => r is DirectoryInvalidation { Directory: "big" }) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the storm was never applied");
            await Task.Delay(20);
        }

        await cache.SynchronizeAsync("p");
        int directories = hook.Count(r => r is DirectoryInvalidation { Directory: "big", Cause: InvalidationCause.Watcher });
        int files = hook.Count(r => r is DirectoryInvalidation { Directory: var d } && d.StartsWith("big/", StringComparison.Ordinal));
        if (hold)
        {
            Assert.Equal((1, 0), (directories, files));
        }
        else
        {
            Assert.True(directories + files > 1, $"without the hold the storm was still one invalidation ({directories} directories, {files} files)");
        }

        for (int i = 0; i < Chunks * PerChunk; i++)
        {
            Assert.Equal("v1"u8.ToArray(), (await cache.ReadAsync("p", $"big/f{i}.txt")).Content.ToArray());
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
