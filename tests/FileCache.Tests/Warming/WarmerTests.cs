using System.Collections.Concurrent;
using FileCache.Tests.Sources;
using FileCache.Warming;

namespace FileCache.Tests.Warming;

public sealed class WarmerTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "fc-warm-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Warm_FromManifest_LoadsTheHotSetHottestFirst()
    {
        // 12 files: f11 read 12 times stays below the frequency sketch's 4-bit ceiling of 15, so every heat differs.
        var source = WarmingFixture.Files(12);
        using (var before = new WarmingFixture(source, o => o.Warming.ManifestFolder = _folder))
        {
            // Heat: f{i} read i+1 times, so f11 is the hottest and f0 the coldest.
            for (int i = 0; i < 12; i++)
            {
                for (int n = 0; n <= i; n++)
                {
                    await before.Cache.ReadAsync("p", $"f{i}");
                }
            }

            Assert.Equal(1, await before.Warmer.SaveHotSetAsync());
        }

        var order = new ConcurrentQueue<string>();
        source.BeforeRead = (path, _) =>
        {
            order.Enqueue(path);
            return Task.CompletedTask;
        };
        using var after = new WarmingFixture(source, o => (o.Warming.ManifestFolder, o.Warming.MaxConcurrency) = (_folder, 1));
        var result = await after.Warmer.WarmAsync("p");
        Assert.Equal((12, 12), (result.Total, result.Loaded));
        Assert.Equal(Enumerable.Range(0, 12).Reverse().Select(i => $"f{i}"), order);
        Assert.Equal(0, after.Cache.GetStatistics().Total.Misses); // warming reads are not the callers' misses
        Assert.True(after.Cache.TryGetValue("p", "f3", out _));
    }

    [Fact]
    public async Task Warm_FileChangedBetweenRuns_IsSkipped()
    {
        var source = WarmingFixture.Files(5);
        using (var before = new WarmingFixture(source, o => o.Warming.ManifestFolder = _folder))
        {
            for (int i = 0; i < 5; i++)
            {
                await before.Cache.ReadAsync("p", $"f{i}");
            }

            await before.Warmer.SaveHotSetAsync();
        }

        source.Write("f2", "changed while the service was down");
        source.Delete("f4");
        int readsBefore = source.Reads;
        using var after = new WarmingFixture(source, o => o.Warming.ManifestFolder = _folder);
        var result = await after.Warmer.WarmAsync();
        Assert.Equal((5, 3, 2), (result.Total, result.Loaded, result.Changed));
        Assert.Equal(readsBefore + 3, source.Reads); // the changed and the deleted file were never read
        Assert.False(after.Cache.TryGetValue("p", "f2", out _));
        Assert.True(after.Cache.TryGetValue("p", "f1", out _));
    }

    [Fact]
    public async Task Warm_Strategies_RunInPriorityOrder()
    {
        var source = WarmingFixture.Files(30);
        var order = new ConcurrentQueue<string>();
        source.BeforeRead = (path, _) =>
        {
            order.Enqueue(path);
            return Task.CompletedTask;
        };
        double[] priorities = [.. Enumerable.Range(0, 30).Select(i => (double)((i * 7) % 30))];
        var strategy = new FixedStrategy(c => Enumerable.Range(0, 30).Select(i => new WarmingItem(c.Cache.CreateKey("p", $"f{i}"), priorities[i])));
        using var fixture = new WarmingFixture(source, o => o.Warming.MaxConcurrency = 1, strategies: [strategy]);
        await fixture.Warmer.WarmAsync();
        var expected = Enumerable.Range(0, 30).OrderByDescending(i => priorities[i]).Select(i => $"f{i}");
        Assert.Equal(expected, order);
    }

    [Fact]
    public async Task Warm_ConcurrencyLimit_IsNeverExceeded()
    {
        const int limit = 3;
        var source = WarmingFixture.Files(60);
        int inFlight = 0, max = 0;
        var full = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.BeforeRead = async (_, ct) =>
        {
            int now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref max, now);
            if (now == limit)
            {
                full.TrySetResult();
            }

            // Every read holds until the limit was reached once: a queue without a limit would start all 60 meanwhile.
            await full.Task.WaitAsync(ct);
            await Task.Yield();
            Interlocked.Decrement(ref inFlight);
        };
        var strategy = new FixedStrategy(c => Enumerable.Range(0, 60).Select(i => new WarmingItem(c.Cache.CreateKey("p", $"f{i}"), i)));
        using var fixture = new WarmingFixture(source, o => o.Warming.MaxConcurrency = limit, strategies: [strategy]);
        var result = await fixture.Warmer.WarmAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(60, result.Loaded);
        Assert.Equal(limit, max);
        Assert.Equal(limit, fixture.Warmer.MaxRunning);
    }

    [Fact]
    public async Task Warm_TenThousandFiles_DoNotStarveAForegroundMiss()
    {
        const int files = 10_000;
        var source = WarmingFixture.Files(files);
        source.Write("foreground", "asked for by a caller");
        var foregroundStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseForeground = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int warmReads = 0;
        source.BeforeRead = async (path, ct) =>
        {
            if (path == "foreground")
            {
                foregroundStarted.TrySetResult();
                await releaseForeground.Task.WaitAsync(ct);
                return;
            }

            Interlocked.Increment(ref warmReads);
            await Task.Yield(); // a real thread hop per warming read
        };
        var strategy = new FixedStrategy(c => Enumerable.Range(0, files).Select(i => new WarmingItem(c.Cache.CreateKey("p", $"f{i}"), files - i)));
        using var fixture = new WarmingFixture(source, o => o.Warming.MaxConcurrency = 2, strategies: [strategy]);
        var warming = fixture.Warmer.WarmAsync();

        // Let warming get going, then a caller misses.
        await WaitUntil(() => Volatile.Read(ref warmReads) >= 100);
        var read = fixture.Cache.ReadAsync("p", "foreground").AsTask();
        await foregroundStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        int atMiss = Volatile.Read(ref warmReads);

        // While the miss is under way every worker parks at the gate: at most one read per worker overlaps it. Wait for
        // whichever comes first, both workers parked or warming reading past that allowance (or finishing), so that a
        // queue that does not yield fails here on what it did, rather than on a timeout.
        await WaitUntil(() => fixture.Warmer.WaitingForForeground == 2 || Volatile.Read(ref warmReads) - atMiss > 2 || warming.IsCompleted);
        int duringMiss = Volatile.Read(ref warmReads) - atMiss;
        Assert.True(duringMiss <= 2, $"warming read {duringMiss} files while a foreground miss was under way (2 workers: at most 2 may overlap it)");
        Assert.False(warming.IsCompleted, "warming finished while a foreground miss was under way");
        Assert.Equal(2, fixture.Warmer.WaitingForForeground);

        // Parked, not merely slow: with the miss still held, the workers stay parked and read nothing more while the
        // other threads get many chances to run.
        for (int i = 0; i < 50; i++)
        {
            await Task.Yield();
            Thread.Yield();
        }

        Assert.Equal(duringMiss, Volatile.Read(ref warmReads) - atMiss);
        Assert.Equal(2, fixture.Warmer.WaitingForForeground);

        releaseForeground.SetResult();
        var file = await read.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("foreground", file.Key.Path);
        Assert.False(warming.IsCompleted, "the foreground miss finished only after warming: it waited behind the queue");
        var result = await warming.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(files, result.Loaded);
        Assert.Equal(1, fixture.Warmer.GetStatistics().ForegroundMisses);
    }

    [Fact]
    public async Task Warm_BudgetFullOfHotterData_StopsAndKeepsTheHotEntries()
    {
        // Room for about 10 entries of 1 KiB (each also charged the per-entry overhead).
        long entry = 1024 + FileCache.Storage.DefaultFileCache.EntryOverhead;
        var source = WarmingFixture.Files(100, 1024, "cold");
        for (int i = 0; i < 5; i++)
        {
            source.Write($"hot{i}", new byte[1024]);
        }

        var strategy = new FixedStrategy(c => Enumerable.Range(0, 100).Select(i => new WarmingItem(c.Cache.CreateKey("p", $"cold{i}"), 100 - i, SizeHint: 1024)));
        using var fixture = new WarmingFixture(source, o => (o.MaxBytes, o.Warming.MaxConcurrency) = ((10 * entry) + 100, 1), strategies: [strategy]);
        for (int i = 0; i < 5; i++)
        {
            for (int n = 0; n < 3; n++)
            {
                await fixture.Cache.ReadAsync("p", $"hot{i}");
            }
        }

        var result = await fixture.Warmer.WarmAsync();
        Assert.True(result.StoppedFull);
        Assert.InRange(result.Loaded, 3, 5); // as many as the room left (an entry is charged its key and bookkeeping too)
        Assert.Equal(100 - result.Loaded, result.Dropped);
        Assert.Equal(5 + result.Loaded, source.Reads); // the dropped items were never read
        for (int i = 0; i < 5; i++)
        {
            Assert.True(fixture.Cache.TryGetValue("p", $"hot{i}", out _), $"hot{i} was evicted by warming");
        }

        Assert.Equal(0, fixture.Cache.GetStatistics().Total.Evictions.Capacity);
    }

    [Fact]
    public async Task Warm_RemoteHotSet_IsUsedBeforeTheLocalManifest()
    {
        var source = WarmingFixture.Files(10);
        var remote = new InMemoryHotSetSource();
        remote.HotSets["p"] = new HotSet("p", DateTimeOffset.UnixEpoch, [.. Enumerable.Range(0, 3).Select(i => new HotSetEntry($"f{i}", null, null, 3 - i, 100, []))]);
        using (var before = new WarmingFixture(source, o => o.Warming.ManifestFolder = _folder))
        {
            for (int i = 5; i < 10; i++)
            {
                await before.Cache.ReadAsync("p", $"f{i}");
            }

            await before.Warmer.SaveHotSetAsync();
        }

        using var joining = new WarmingFixture(source, o => o.Warming.ManifestFolder = _folder, sources: [remote]);
        var result = await joining.Warmer.WarmAsync();
        Assert.Equal((3, 3), (result.Total, result.Loaded));
        Assert.Equal(1, remote.Calls);
        Assert.True(joining.Cache.TryGetValue("p", "f0", out _));
        Assert.False(joining.Cache.TryGetValue("p", "f7", out _));

        // With no remote hot set for the project, the local manifest is the fallback.
        remote.HotSets.Clear();
        joining.Cache.Clear();
        result = await joining.Warmer.WarmAsync();
        Assert.Equal((5, 5), (result.Total, result.Loaded));
    }

    [Fact]
    public async Task Warm_ReportsProgressForEveryItem_AndCancellationStopsTheRun()
    {
        var source = WarmingFixture.Files(10);
        var strategy = new FixedStrategy(c => Enumerable.Range(0, 10).Select(i => new WarmingItem(c.Cache.CreateKey("p", $"f{i}"), i)));
        using var fixture = new WarmingFixture(source, o => o.Warming.MaxConcurrency = 1, strategies: [strategy]);
        var reports = new ConcurrentQueue<WarmingProgress>();
        await fixture.Warmer.WarmAsync(progress: new SyncProgress(reports.Enqueue));
        Assert.Equal(10, reports.Count);
        Assert.Contains(reports, r => r is { Completed: 10, Total: 10, Loaded: 10, Bytes: 1000 });

        fixture.Cache.Clear();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.BeforeRead = (_, ct) => gate.Task.WaitAsync(ct);
        using var cts = new CancellationTokenSource();
        var run = fixture.Warmer.WarmAsync(cancellationToken: cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
        gate.SetResult();
    }

    [Fact]
    public async Task WarmAsync_UnknownProject_ThrowsNamingTheArgument()
    {
        using var fixture = new WarmingFixture(WarmingFixture.Files(1));
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Warmer.WarmAsync("nope"));
        Assert.Equal("project", ex.ParamName);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    /// <summary>Waits (on real threads, bounded) until a condition other threads make true holds.</summary>
    internal static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the condition");
            await Task.Yield();
            Thread.Yield();
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private sealed class SyncProgress(Action<WarmingProgress> report) : IProgress<WarmingProgress>
    {
        public void Report(WarmingProgress value) => report(value);
    }
}
