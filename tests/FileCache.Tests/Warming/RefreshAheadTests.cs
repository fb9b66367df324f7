using FileCache.Tests.Sources;

namespace FileCache.Tests.Warming;

public sealed class RefreshAheadTests
{
    [Fact]
    public async Task RefreshAhead_ReadInsideTheWindow_ReloadsInTheBackgroundBeforeExpiry()
    {
        using var fixture = new WarmingFixture(new InMemoryFileSource(), o => o.Warming.RefreshAhead = TimeSpan.FromSeconds(10));
        var key = fixture.Cache.CreateKey("p", "a", "parsed");
        int loads = 0;
        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new FileCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(60) };
        ValueTask<string> Loader(FileKey k, CancellationToken ct)
        {
            int n = Interlocked.Increment(ref loads);
            if (n == 2)
            {
                reloaded.TrySetResult();
            }

            return ValueTask.FromResult($"v{n}");
        }

        Assert.Equal("v1", await fixture.Cache.GetOrAddAsync(key, Loader, options));

        // 45 s in: outside the 10 s window, a read reloads nothing.
        fixture.Time.Advance(TimeSpan.FromSeconds(45));
        Assert.True(fixture.Cache.TryGet(key, out string? value));
        Assert.Equal("v1", value);
        await Task.Yield();
        Assert.Equal(1, Volatile.Read(ref loads));

        // 51 s in: inside the window, the read returns the current value and starts one reload.
        fixture.Time.Advance(TimeSpan.FromSeconds(6));
        Assert.True(fixture.Cache.TryGet(key, out value));
        Assert.Equal("v1", value);
        Assert.True(fixture.Cache.TryGet(key, out string? _)); // a second read in the window starts no second reload
        await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await WarmerTests.WaitUntil(() => fixture.Cache.TryGet(key, out string? v) && v == "v2");

        // 61 s in: the original would have expired; the reloaded entry is still served (it expires at 111 s).
        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(fixture.Cache.TryGet(key, out value));
        Assert.Equal("v2", value);
        Assert.Equal(2, Volatile.Read(ref loads));
        Assert.Equal(1, fixture.Cache.GetStatistics().Invalidation!.Refreshes);
    }

    [Fact]
    public async Task RefreshAhead_Off_EntryExpiresAndTheNextReadWaitsForTheLoad()
    {
        using var fixture = new WarmingFixture(new InMemoryFileSource());
        var key = fixture.Cache.CreateKey("p", "a", "parsed");
        int loads = 0;
        var options = new FileCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(60), Size = 4 };
        ValueTask<int> Loader(FileKey k, CancellationToken ct) => ValueTask.FromResult(Interlocked.Increment(ref loads));
        await fixture.Cache.GetOrAddAsync(key, Loader, options);
        fixture.Time.Advance(TimeSpan.FromSeconds(55));
        Assert.True(fixture.Cache.TryGet(key, out int _));
        await Task.Yield();
        fixture.Time.Advance(TimeSpan.FromSeconds(6));
        Assert.False(fixture.Cache.TryGet(key, out int _));
        Assert.Equal(1, loads);
    }

    [Fact]
    public async Task RefreshAhead_FileWithExpiration_IsRereadFromTheSource()
    {
        // No change tokens: the rewrite below must not invalidate the entry; only the refresh may pick it up.
        var source = new InMemoryFileSource { CanWatch = false }.Write("a", "one");
        using var fixture = new WarmingFixture(source, o => (o.DefaultAbsoluteExpiration, o.Warming.RefreshAhead) = (TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(5)));
        await fixture.Cache.ReadAsync("p", "a");
        source.Write("a", "two");
        fixture.Time.Advance(TimeSpan.FromSeconds(56));
        Assert.True(fixture.Cache.TryGetValue("p", "a", out _));
        await WarmerTests.WaitUntil(() => fixture.Cache.TryGetValue("p", "a", out object? v) && ((CachedFile)v!).Length == 3 && source.Reads == 2);
        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(fixture.Cache.TryGetValue("p", "a", out object? file));
        Assert.Equal("two"u8.ToArray(), ((CachedFile)file!).Content.ToArray());
    }
}
