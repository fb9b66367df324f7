namespace FileCache.Tests.Storage;

public class SingleFlightTests
{
    private const int Callers = 16;

    /// <summary>Starts <paramref name="count"/> callers on real thread-pool threads, all released at once.</summary>
    private static Task<T>[] StartCallers<T>(int count, Func<int, Task<T>> call)
    {
        var start = new Barrier(count); // not disposed: the callers still wait on it after this returns
        return Enumerable.Range(0, count)
            .Select(i => Task.Factory.StartNew(() => { start.SignalAndWait(); return call(i); }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap())
            .ToArray();
    }

    [Fact]
    public async Task GetOrAddAsync_ConcurrentMisses_RunLoaderOnce()
    {
        using var cache = CacheFixture.Create(1000);
        var key = cache.CreateKey("p", "model");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int loads = 0;
        async ValueTask<string> Load(FileKey k, CancellationToken ct)
        {
            Interlocked.Increment(ref loads);
            await gate.Task;
            return "value";
        }

        var callers = StartCallers(Callers, _ => cache.GetOrAddAsync(key, Load).AsTask());
        await WaitUntil(() => cache.GetStatistics().Total.Misses == Callers);
        gate.SetResult();
        string[] results = await Task.WhenAll(callers);

        Assert.Equal(1, loads);
        Assert.All(results, r => Assert.Equal("value", r));
        Assert.True(cache.TryGet<string>(key, out _));
        var total = cache.GetStatistics().Total;
        Assert.Equal(1, total.Loads);
        Assert.Equal(0, total.LoadFailures);
    }

    [Fact]
    public async Task GetOrAddAsync_LoaderThrows_EveryWaiterSeesItAndNothingIsCached()
    {
        using var cache = CacheFixture.Create(1000);
        var key = cache.CreateKey("p", "model");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int loads = 0;
        async ValueTask<string> Failing(FileKey k, CancellationToken ct)
        {
            Interlocked.Increment(ref loads);
            await gate.Task;
            throw new InvalidDataException("parse failed");
        }

        var callers = StartCallers(Callers, _ => cache.GetOrAddAsync(key, Failing).AsTask());
        await WaitUntil(() => cache.GetStatistics().Total.Misses == Callers);
        gate.SetResult();

        foreach (var caller in callers)
        {
            var ex = await Assert.ThrowsAsync<InvalidDataException>(() => caller);
            Assert.Equal("parse failed", ex.Message);
        }

        Assert.False(cache.TryGet<string>(key, out _));
        Assert.Equal(0, cache.GetStatistics().Total.Entries);
        Assert.True(cache.GetStatistics().Total.LoadFailures >= 1);
        Assert.Empty(cache.InFlightFor("p"));

        // Nothing is left locked: the next call runs the loader again and succeeds.
        Assert.Equal("ok", await cache.GetOrAddAsync(key, (_, _) => new ValueTask<string>("ok")));
    }

    [Fact]
    public async Task GetOrAddAsync_LoaderThrowsSynchronously_SurfacesAndLeavesNothing()
    {
        using var cache = CacheFixture.Create(1000);
        var key = cache.CreateKey("p", "model");

        await Assert.ThrowsAsync<FormatException>(async () => await cache.GetOrAddAsync<string>(key, (_, _) => throw new FormatException()));

        Assert.Empty(cache.InFlightFor("p"));
        Assert.Equal(1, cache.GetStatistics().Total.LoadFailures);
        Assert.Equal("ok", await cache.GetOrAddAsync(key, (_, _) => new ValueTask<string>("ok")));
    }

    [Fact]
    public async Task GetOrAddAsync_OneWaiterCancels_OthersStillGetTheValue()
    {
        using var cache = CacheFixture.Create(1000);
        var key = cache.CreateKey("p", "model");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        CancellationToken loaderToken = default;
        async ValueTask<string> Load(FileKey k, CancellationToken ct)
        {
            loaderToken = ct;
            await gate.Task;
            return "value";
        }

        using var cancelled = new CancellationTokenSource();
        var first = cache.GetOrAddAsync(key, Load, cancellationToken: cancelled.Token).AsTask();
        var second = cache.GetOrAddAsync(key, Load).AsTask();
        await cancelled.CancelAsync();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.Equal(cancelled.Token, ex.CancellationToken);
        Assert.False(loaderToken.IsCancellationRequested);
        gate.SetResult();
        Assert.Equal("value", await second);
        Assert.True(cache.TryGet<string>(key, out _));
    }

    [Fact]
    public async Task GetOrAddAsync_EveryWaiterCancels_LoaderIsCancelledAndNextCallStartsFresh()
    {
        using var cache = CacheFixture.Create(1000);
        var key = cache.CreateKey("p", "model");
        var loaderCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async ValueTask<string> Hanging(FileKey k, CancellationToken ct)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
                return "never";
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                loaderCancelled.TrySetResult();
                throw;
            }
        }

        using var a = new CancellationTokenSource();
        using var b = new CancellationTokenSource();
        var first = cache.GetOrAddAsync(key, Hanging, cancellationToken: a.Token).AsTask();
        var second = cache.GetOrAddAsync(key, Hanging, cancellationToken: b.Token).AsTask();
        await a.CancelAsync();
        Assert.False(loaderCancelled.Task.IsCompleted);
        await b.CancelAsync();

        await loaderCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(a.Token, (await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first)).CancellationToken);
        Assert.Equal(b.Token, (await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second)).CancellationToken);
        Assert.Equal("fresh", await cache.GetOrAddAsync(key, (_, _) => new ValueTask<string>("fresh")));
        Assert.Equal(1, cache.GetStatistics().Total.Entries);
    }

    [Fact]
    public async Task GetOrAddAsync_RemoveDuringLoad_ResultIsNotCached()
    {
        using var cache = CacheFixture.Create(1000);
        var key = cache.CreateKey("p", "model");
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async ValueTask<string> Slow(FileKey k, CancellationToken ct)
        {
            started.SetResult();
            await gate.Task;
            return "stale";
        }

        var load = cache.GetOrAddAsync(key, Slow).AsTask();
        await started.Task;
        cache.Remove(key);
        gate.SetResult();

        Assert.Equal("stale", await load);
        Assert.False(cache.TryGet<string>(key, out _));
        Assert.Equal("fresh", await cache.GetOrAddAsync(key, (_, _) => new ValueTask<string>("fresh")));
    }

    [Fact]
    public async Task GetOrAddAsync_InvalidateProjectDuringLoad_ResultIsNotCached()
    {
        using var cache = CacheFixture.Create(1000);
        var key = cache.CreateKey("p", "model");
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async ValueTask<string> Slow(FileKey k, CancellationToken ct)
        {
            started.SetResult();
            await gate.Task;
            return "stale";
        }

        var load = cache.GetOrAddAsync(key, Slow).AsTask();
        await started.Task;
        cache.InvalidateProject("p");
        gate.SetResult();
        await load;

        Assert.False(cache.TryGet<string>(key, out _));
        Assert.Equal(0, cache.GetStatistics().Total.Entries);
    }

    [Fact]
    public async Task ReadAsync_ConcurrentMissesOnOneFile_ReadTheDiskOnce()
    {
        using var dir = new TestDirectory();
        dir.Write("big.bin", new byte[4 * 1024 * 1024]);
        var options = new FileCacheOptions().AddProject("disk", dir.Root);
        using var cache = FileCacheFactory.Create(options);

        var readers = StartCallers(Callers, _ => cache.ReadAsync("disk", "big.bin").AsTask());
        var files = await Task.WhenAll(readers);

        Assert.All(files, f => Assert.Equal(4 * 1024 * 1024, f.Length));
        var total = cache.GetStatistics().Total;
        Assert.Equal(1, total.Loads);
        Assert.Equal(Callers, total.Hits + total.Misses);
    }

    [Fact]
    public async Task GetOrAddAsync_JoinerWhileASynchronousLoaderRuns_GetsItsValueAndTheLoaderRunsOnce()
    {
        // A loader that completes synchronously ends its load on the starter's thread, and no task is made for the outcome
        // unless someone joins meanwhile. Someone does here: the joiner must wait for, and get, that very value.
        using var cache = CacheFixture.Create(1 << 20);
        var key = cache.CreateKey("p", "k");
        byte[] value = [1, 2, 3];
        using var inLoader = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        int calls = 0;
        ValueTask<byte[]> Load(FileKey k, CancellationToken ct)
        {
            Interlocked.Increment(ref calls);
            inLoader.Set();
            release.Wait(TimeSpan.FromSeconds(30), CancellationToken.None);
            return new ValueTask<byte[]>(value);
        }

        var starter = Task.Factory.StartNew(
            () =>
            {
                var call = cache.GetOrAddAsync(key, Load);
                return (Synchronous: call.IsCompletedSuccessfully, Value: call.IsCompletedSuccessfully ? call.Result : null);
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        Assert.True(inLoader.Wait(TimeSpan.FromSeconds(30)));

        var joiner = cache.GetOrAddAsync<byte[]>(key, (_, _) => throw new InvalidOperationException("a second loader ran"));
        Assert.False(joiner.IsCompleted, "the joiner did not wait for the load under way");
        release.Set();

        var (synchronous, started) = await starter.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(synchronous, "the starter of a synchronous load did not get its value back synchronously");
        Assert.Same(value, started);
        Assert.Same(value, await joiner.AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, calls);
        Assert.Empty(cache.InFlightFor("p"));
    }

    [Fact]
    public async Task GetOrAddAsync_JoinersRacingASynchronousLoad_NeverMissItsOutcome()
    {
        // Joiners arrive at every point of a synchronous load's end (before, during and after it publishes its outcome and
        // leaves the in-flight table): each gets the loaded value or a hit, none hangs, and each key loads once.
        using var cache = CacheFixture.Create(1 << 24);
        const int Keys = 2_000;
        var keys = Enumerable.Range(0, Keys).Select(i => cache.CreateKey("p", $"race{i}")).ToArray();
        var values = Enumerable.Range(0, Keys).Select(i => new byte[] { (byte)i }).ToArray();
        int[] calls = new int[Keys];
        ValueTask<byte[]> Load(FileKey k, CancellationToken ct)
        {
            int i = int.Parse(k.Path.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture);
            Interlocked.Increment(ref calls[i]);
            Thread.SpinWait(50 * (i % 8));
            return new ValueTask<byte[]>(values[i]);
        }

        var results = StartCallers(2, _ => Task.FromResult(keys.Select(k => cache.GetOrAddAsync(k, Load).AsTask()).ToArray()));
        var perCaller = await Task.WhenAll(results).WaitAsync(TimeSpan.FromSeconds(30));
        for (int i = 0; i < Keys; i++)
        {
            foreach (var caller in perCaller)
            {
                Assert.Same(values[i], await caller[i].WaitAsync(TimeSpan.FromSeconds(30)));
            }
        }

        Assert.All(calls, c => Assert.Equal(1, c));
        Assert.Empty(cache.InFlightFor("p"));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in 10 s");
            await Task.Yield();
        }
    }
}
