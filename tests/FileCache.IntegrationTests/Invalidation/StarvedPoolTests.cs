using System.Diagnostics;
using FileCache.Invalidation;
using Xunit.Abstractions;

namespace FileCache.Tests.Invalidation;

/// <summary>
/// Freshness does not depend on the thread pool: with every pool thread spinning (and more spinners queued than the
/// pool will add threads for during the test), a change on disk still reaches the cache within the watcher's debounce,
/// or the polling interval, plus a small bound. Real watcher, real files, the system clock. Runs alone (it starves the
/// whole process's pool, pinning its maximum so it cannot add threads). The bound is generous for a shared machine;
/// before the fix nothing was applied while the pool stayed starved.
/// </summary>
[Collection(WatcherTestGroup.Name)]
public sealed class StarvedPoolTests(ITestOutputHelper output)
{
    /// <summary>
    /// Generous: every pool thread spins (ten or more on two cores in a full run) and CI machines are shared, so the
    /// watcher's and the freshness thread's wake-ups wait for a core. Seen here under a load average of 40: 0.6–1 s
    /// with a watcher, about the interval with polling; before the fix nothing was applied in 10 s.
    /// </summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Watch_PoolStarved_ChangeIsAppliedWithinTheDebouncePlusABound()
    {
        var debounce = TimeSpan.FromMilliseconds(30);
        var stale = await StaleWindowUnderStarvedPool(o => o.WatcherDebounce = debounce);

        output.WriteLine($"watch: stale for {stale.TotalMilliseconds:F0} ms under a starved pool (debounce {debounce.TotalMilliseconds} ms)");
        Assert.True(stale < debounce + Bound, $"The change was served stale for {stale.TotalMilliseconds:F0} ms under a starved pool.");
    }

    [Fact]
    public async Task Polling_PoolStarved_ChangeIsAppliedWithinTheIntervalPlusABound()
    {
        var interval = TimeSpan.FromMilliseconds(100);
        var stale = await StaleWindowUnderStarvedPool(o =>
        {
            o.UsePolling = true;
            o.PollingInterval = interval;
        });

        output.WriteLine($"polling: stale for {stale.TotalMilliseconds:F0} ms under a starved pool (interval {interval.TotalMilliseconds} ms)");
        Assert.True(stale < interval + Bound, $"The change was served stale for {stale.TotalMilliseconds:F0} ms under a starved pool.");
    }

    /// <summary>Caches a file, starves the pool, replaces the file and returns how long the old bytes were still served.</summary>
    private static async Task<TimeSpan> StaleWindowUnderStarvedPool(Action<InvalidationOptions> configure)
    {
        using var dir = new TestDirectory();
        string path = dir.Write("a.txt", "one");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-1)); // not "racy": only the change below may remove it
        var options = new FileCacheOptions().AddProject("p", dir.Root);
        options.Invalidation.Mode = ValidationMode.Watch;
        configure(options.Invalidation);
        using var cache = FileCacheFactory.Create(options);
        Assert.Equal(3, (await cache.ReadAsync("p", "a.txt")).Length);
        await cache.SynchronizeAsync("p"); // the watcher runs (or the first poll is done) before the pool is starved
        Assert.True(cache.TryGet("p", "a.txt", out CachedFile? _));

        // From here on nothing awaits: this thread keeps running while the pool's are all spinning. The pool may not
        // add threads meanwhile (its maximum is pinned at what it has), so it stays starved for the whole test.
        ThreadPool.GetMaxThreads(out int maxWorkers, out int maxIo);
        ThreadPool.GetMinThreads(out int minWorkers, out _);
        int workers = Math.Max(Math.Max(ThreadPool.ThreadCount, Environment.ProcessorCount), minWorkers);
        Assert.True(ThreadPool.SetMaxThreads(workers, maxIo));
        bool stop = false;
        int spinners = workers + 8;
        for (int i = 0; i < spinners; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(
                _ =>
                {
                    while (!Volatile.Read(ref stop))
                    {
                        Thread.SpinWait(100);
                    }
                },
                null);
        }

        try
        {
            var probeRan = new ManualResetEventSlim();
            ThreadPool.UnsafeQueueUserWorkItem(_ => probeRan.Set(), null);
            Thread.Sleep(200);
            Assert.False(probeRan.IsSet, "The pool was not starved: a work item queued after the spinners ran.");

            File.WriteAllText(path, "two!");
            long written = Stopwatch.GetTimestamp();
            while (cache.TryGet("p", "a.txt", out CachedFile? cached) && cached!.Length == 3)
            {
                if (Stopwatch.GetElapsedTime(written) > GiveUp)
                {
                    break;
                }

                Thread.Sleep(1);
            }

            return Stopwatch.GetElapsedTime(written);
        }
        finally
        {
            Volatile.Write(ref stop, true);
            ThreadPool.SetMaxThreads(maxWorkers, maxIo);
        }
    }
}
