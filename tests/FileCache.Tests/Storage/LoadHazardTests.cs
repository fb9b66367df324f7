using FileCache.Sources;

namespace FileCache.Tests.Storage;

/// <summary>
/// Loads on a bad day: a loader that waits for its own key, a load abandoned by all its callers that finishes late,
/// a joiner of a load whose file kept changing, a loader that returns null. Timeouts are on the test side only: a
/// hang fails the test instead of stalling the run.
/// </summary>
public class LoadHazardTests
{
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task GetOrAddAsync_LoaderAwaitsItsOwnKey_FailsWithInvalidOperation()
    {
        using var cache = CacheFixture.Create(1 << 20);
        var key = cache.CreateKey("p", "self");
        async ValueTask<string> Load(FileKey k, CancellationToken ct) => await cache.GetOrAddAsync(k, Load, cancellationToken: ct) + "!";

        var call = cache.GetOrAddAsync(key, Load).AsTask();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => call.WaitAsync(HangLimit));
        Assert.Contains("self", ex.Message, StringComparison.Ordinal);
        Assert.Contains("its own", ex.Message, StringComparison.Ordinal);
        Assert.Empty(cache.InFlightFor("p"));
        Assert.Equal("ok", await cache.GetOrAddAsync(key, (_, _) => new ValueTask<string>("ok")).AsTask().WaitAsync(HangLimit));
    }

    [Fact]
    public async Task GetOrAddAsync_LoadersAwaitEachOtherInACycle_FailsWithInvalidOperation()
    {
        using var cache = CacheFixture.Create(1 << 20);
        var a = cache.CreateKey("p", "a");
        var b = cache.CreateKey("p", "b");
        var c = cache.CreateKey("p", "c");

        // a -> b -> c -> a, each after a real asynchronous step (the chain must survive thread hops).
        async ValueTask<string> LoadA(FileKey k, CancellationToken ct)
        {
            await Task.Yield();
            return "a" + await cache.GetOrAddAsync(b, LoadB, cancellationToken: ct);
        }

        async ValueTask<string> LoadB(FileKey k, CancellationToken ct)
        {
            await Task.Delay(1, ct);
            return "b" + await cache.GetOrAddAsync(c, LoadC, cancellationToken: ct);
        }

        async ValueTask<string> LoadC(FileKey k, CancellationToken ct)
        {
            await Task.Yield();
            return "c" + await cache.GetOrAddAsync(a, LoadA, cancellationToken: ct);
        }

        var call = cache.GetOrAddAsync(a, LoadA).AsTask();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => call.WaitAsync(HangLimit));
        Assert.Contains("'a'", ex.Message, StringComparison.Ordinal);
        Assert.Empty(cache.InFlightFor("p"));
        Assert.Equal(0, cache.GetStatistics().Total.Entries);
    }

    [Fact]
    public async Task GetOrAddAsync_LoaderAwaitsAnotherKeyThatIsLoading_IsNotMistakenForACycle()
    {
        // Two independent callers: x's loader waits for y, which another caller is loading. No cycle, no error.
        using var cache = CacheFixture.Create(1 << 20);
        var x = cache.CreateKey("p", "x");
        var y = cache.CreateKey("p", "y");
        var yGate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var yCall = cache.GetOrAddAsync(y, (_, _) => new ValueTask<string>(yGate.Task)).AsTask();
        var xCall = cache.GetOrAddAsync(x, async (_, ct) => "x" + await cache.GetOrAddAsync(y, (_, _) => new ValueTask<string>("other"), cancellationToken: ct)).AsTask();

        yGate.SetResult("y");

        Assert.Equal("xy", await xCall.WaitAsync(HangLimit));
        Assert.Equal("y", await yCall.WaitAsync(HangLimit));
    }

    [Fact]
    public async Task GetOrAddAsync_AbandonedLoadFinishesLate_DoesNotOverwriteTheNewerValue()
    {
        using var cache = CacheFixture.Create(1 << 20);
        var key = cache.CreateKey("p", "model");

        // The first loader ignores its token. Its task completes inline when we set it (no RunContinuationsAsynchronously),
        // so the late insert, if any, has happened when SetResult returns.
        var late = new TaskCompletionSource<string>();
        using var cancel = new CancellationTokenSource();
        var abandoned = cache.GetOrAddAsync(key, (_, _) => new ValueTask<string>(late.Task), cancellationToken: cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned.WaitAsync(HangLimit));
        Assert.Empty(cache.InFlightFor("p"));

        Assert.Equal("new", await cache.GetOrAddAsync(key, (_, _) => new ValueTask<string>("new")).AsTask().WaitAsync(HangLimit));
        late.SetResult("old");

        Assert.True(cache.TryGet<string>(key, out string? value));
        Assert.Equal("new", value);
        Assert.Equal(1, cache.GetStatistics().Total.Entries);
        CacheFixture.AssertConsistent(cache);
    }

    [Fact]
    public async Task GetOrAddAsync_AbandonedLoadFinishesLateWithNothingNewer_DoesNotInsert()
    {
        // Nobody waits for it any more and the table no longer names it: whatever it read is not vouched for by anyone.
        using var cache = CacheFixture.Create(1 << 20);
        var key = cache.CreateKey("p", "model");
        var late = new TaskCompletionSource<string>();
        using var cancel = new CancellationTokenSource();
        var abandoned = cache.GetOrAddAsync(key, (_, _) => new ValueTask<string>(late.Task), cancellationToken: cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned.WaitAsync(HangLimit));

        late.SetResult("old");

        Assert.False(cache.TryGet<string>(key, out _));
        Assert.Equal(0, cache.GetStatistics().Total.Entries);
    }

    [Fact]
    public async Task GetOrAddAsync_JoinerOfALoadWhoseFileKeptChanging_GetsAFreshLoadInsteadOfTheFailure()
    {
        using var cache = CacheFixture.Create(1 << 20);
        var key = cache.CreateKey("p", "file");
        var firstRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int calls = 0;
        async ValueTask<string> Load(FileKey k, CancellationToken ct)
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                // The read that started before the last write: it saw the file change under it every time.
                await firstRead.Task;
                throw new FileChangedDuringReadException("/root/file", 3);
            }

            return "after the write";
        }

        var starter = cache.GetOrAddAsync(key, Load).AsTask();
        var joiner = cache.GetOrAddAsync(key, Load).AsTask();
        Assert.Equal(2, cache.GetStatistics().Total.Misses);
        firstRead.SetResult();

        // The caller whose own read failed hears so; the one that joined later gets a load that began after it did.
        await Assert.ThrowsAsync<FileChangedDuringReadException>(() => starter.WaitAsync(HangLimit));
        Assert.Equal("after the write", await joiner.WaitAsync(HangLimit));
        Assert.Equal(2, calls);
        Assert.True(cache.TryGet<string>(key, out _));
    }

    [Fact]
    public async Task GetOrAddAsync_LoaderReturnsNull_FailsClearlyAndCachesNothing()
    {
        using var cache = CacheFixture.Create(1 << 20);
        var key = cache.CreateKey("p", "nothing");
        int loads = 0;
        ValueTask<string?> Load(FileKey k, CancellationToken ct)
        {
            Interlocked.Increment(ref loads);
            return new ValueTask<string?>((string?)null);
        }

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetOrAddAsync(key, Load).AsTask().WaitAsync(HangLimit));
        Assert.Contains("null", ex.Message, StringComparison.Ordinal);
        Assert.Contains("nothing", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, cache.GetStatistics().Total.Entries);
        Assert.Equal(1, cache.GetStatistics().Total.LoadFailures);
        Assert.Empty(cache.InFlightFor("p"));
        Assert.Equal(1, loads);
    }

    [Fact]
    public void Set_NullValue_ThrowsArgumentNull()
    {
        using var cache = CacheFixture.Create(1 << 20);
        var key = cache.CreateKey("p", "nothing");

        var ex = Assert.Throws<ArgumentNullException>(() => cache.Set<string?>(key, null, CacheFixture.Size(8)));
        Assert.Equal("value", ex.ParamName);
        Assert.Equal(0, cache.GetStatistics().Total.Entries);
    }
}
