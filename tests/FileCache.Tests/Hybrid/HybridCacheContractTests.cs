using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.Hybrid;

/// <summary>
/// HybridCache's documented behaviour, pinned once and run against every implementation: Microsoft's default (which
/// proves the suite right) and the FileCache-backed one. Time is a <see cref="FakeTimeProvider"/> in both.
/// </summary>
public abstract class HybridCacheContractTests : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    protected FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A fresh, empty cache whose clock is <see cref="Time"/>.</summary>
    protected abstract (HybridCache Cache, IDisposable Owner) CreateCache();

    private HybridCache NewCache()
    {
        var (cache, owner) = CreateCache();
        _owned.Add(owner);
        return cache;
    }

    [Fact]
    public async Task GetOrCreate_Miss_RunsTheFactoryWithItsState_ThenHitsWithoutIt()
    {
        var cache = NewCache();
        int calls = 0;

        string first = await cache.GetOrCreateAsync("k", (Prefix: "v", Count: 1), (state, _) => { calls++; return ValueTask.FromResult(state.Prefix + state.Count); });
        string second = await cache.GetOrCreateAsync("k", (Prefix: "other", Count: 2), (state, _) => { calls++; return ValueTask.FromResult(state.Prefix + state.Count); });

        Assert.Equal("v1", first);
        Assert.Equal("v1", second);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task GetOrCreate_ConcurrentMisses_RunTheFactoryOnce_Stampede()
    {
        var cache = NewCache();
        int calls = 0;
        var release = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
            await cache.GetOrCreateAsync("k", async _ => { Interlocked.Increment(ref calls); return await release.Task; }))).ToArray();
        while (Volatile.Read(ref calls) == 0)
        {
            await Task.Yield();
        }

        await Task.Delay(50); // give every caller time to join (they must not start a second factory)
        release.SetResult("once");
        string[] results = await Task.WhenAll(callers);

        Assert.All(results, r => Assert.Equal("once", r));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task GetOrCreate_FactoryThrows_EveryCallerSeesIt_AndNothingIsCached()
    {
        var cache = NewCache();
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await cache.GetOrCreateAsync<string>("k", _ => throw new InvalidOperationException("boom")));

        string value = await cache.GetOrCreateAsync("k", _ => ValueTask.FromResult("after"));

        Assert.Equal("after", value);
    }

    [Fact]
    public async Task GetOrCreate_OneOfTwoCallersCancels_TheOtherGetsTheValue_FactoryNotCancelled()
    {
        var cache = NewCache();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool factoryCancelled = false;
        using var cts = new CancellationTokenSource();
        async ValueTask<string> Factory(CancellationToken token)
        {
            started.TrySetResult();
            await release.Task;
            factoryCancelled = token.IsCancellationRequested;
            return "value";
        }

        var cancelled = cache.GetOrCreateAsync("k", Factory, cancellationToken: cts.Token).AsTask();
        await started.Task;
        var patient = cache.GetOrCreateAsync("k", Factory).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        release.SetResult();

        Assert.Equal("value", await patient);
        Assert.False(factoryCancelled);
    }

    [Fact]
    public async Task Set_ThenGetOrCreate_ReturnsTheSetValueWithoutTheFactory()
    {
        var cache = NewCache();
        await cache.SetAsync("k", "set");

        string value = await cache.GetOrCreateAsync("k", _ => ValueTask.FromResult("factory"));

        Assert.Equal("set", value);
    }

    [Fact]
    public async Task Set_Twice_TheSecondValueWins()
    {
        var cache = NewCache();
        await cache.SetAsync("k", "one");
        await cache.SetAsync("k", "two");

        Assert.Equal("two", await cache.GetOrCreateAsync("k", _ => ValueTask.FromResult("factory")));
    }

    [Fact]
    public async Task Remove_TheNextGetOrCreateRunsTheFactory_OtherKeysStay()
    {
        var cache = NewCache();
        await cache.SetAsync("a", "old-a");
        await cache.SetAsync("b", "old-b");

        await cache.RemoveAsync("a");

        Assert.Equal("new-a", await cache.GetOrCreateAsync("a", _ => ValueTask.FromResult("new-a")));
        Assert.Equal("old-b", await cache.GetOrCreateAsync("b", _ => ValueTask.FromResult("new-b")));
    }

    [Fact]
    public async Task RemoveByTag_RemovesEveryEntryCarryingIt_AndNoOther()
    {
        var cache = NewCache();
        await cache.SetAsync("a", "old", tags: ["red"]);
        await cache.SetAsync("b", "old", tags: ["red", "blue"]);
        await cache.SetAsync("c", "old", tags: ["blue"]);
        await cache.GetOrCreateAsync("d", _ => ValueTask.FromResult("old"), tags: ["red"]);
        await cache.SetAsync("e", "old");

        await cache.RemoveByTagAsync("red");

        Assert.Equal("new", await cache.GetOrCreateAsync("a", _ => ValueTask.FromResult("new")));
        Assert.Equal("new", await cache.GetOrCreateAsync("b", _ => ValueTask.FromResult("new")));
        Assert.Equal("new", await cache.GetOrCreateAsync("d", _ => ValueTask.FromResult("new")));
        Assert.Equal("old", await cache.GetOrCreateAsync("c", _ => ValueTask.FromResult("new")));
        Assert.Equal("old", await cache.GetOrCreateAsync("e", _ => ValueTask.FromResult("new")));
    }

    [Fact]
    public async Task RemoveByTag_ThenSetAgain_TheNewEntryStays()
    {
        var cache = NewCache();
        await cache.SetAsync("a", "old", tags: ["red"]);
        await cache.RemoveByTagAsync("red");
        Time.Advance(TimeSpan.FromMilliseconds(10));

        await cache.SetAsync("a", "newer", tags: ["red"]);

        Assert.Equal("newer", await cache.GetOrCreateAsync("a", _ => ValueTask.FromResult("factory")));
    }

    [Fact]
    public async Task RemoveByTag_Wildcard_RemovesEverything()
    {
        var cache = NewCache();
        await cache.SetAsync("a", "old", tags: ["red"]);
        await cache.SetAsync("b", "old");

        await cache.RemoveByTagAsync("*");

        Assert.Equal("new", await cache.GetOrCreateAsync("a", _ => ValueTask.FromResult("new")));
        Assert.Equal("new", await cache.GetOrCreateAsync("b", _ => ValueTask.FromResult("new")));
    }

    [Fact]
    public async Task Expiration_AnEntryIsServedUntilItExpires_ThenTheFactoryRunsAgain()
    {
        var cache = NewCache();
        var options = new HybridCacheEntryOptions { Expiration = TimeSpan.FromMinutes(2), LocalCacheExpiration = TimeSpan.FromMinutes(1) };
        await cache.GetOrCreateAsync("k", _ => ValueTask.FromResult("first"), options);

        Time.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal("first", await cache.GetOrCreateAsync("k", _ => ValueTask.FromResult("second"), options));

        Time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal("second", await cache.GetOrCreateAsync("k", _ => ValueTask.FromResult("second"), options));
    }

    [Fact]
    public async Task Flags_DisableLocalCacheWrite_TheValueIsNotKept()
    {
        var cache = NewCache();
        var noWrite = new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableLocalCacheWrite | HybridCacheEntryFlags.DisableDistributedCacheWrite };

        Assert.Equal("first", await cache.GetOrCreateAsync("k", _ => ValueTask.FromResult("first"), noWrite));

        Assert.Equal("second", await cache.GetOrCreateAsync("k", _ => ValueTask.FromResult("second")));
    }

    [Fact]
    public async Task Keys_AreExact_PathLikeKeysDoNotMeet()
    {
        var cache = NewCache();
        string[] keys = ["a/b", "a//b", "a\\b", "./a/b", "a/b/", "~a/b", "A/B", "../x"];
        foreach (string key in keys)
        {
            await cache.SetAsync(key, "value of " + key);
        }

        foreach (string key in keys)
        {
            Assert.Equal("value of " + key, await cache.GetOrCreateAsync(key, _ => ValueTask.FromResult("factory")));
        }
    }

    [Fact]
    public async Task Values_OfReferenceTypes_RoundTrip()
    {
        var cache = NewCache();
        var value = new Payload("x", 42);

        var result = await cache.GetOrCreateAsync("k", _ => ValueTask.FromResult(value));
        var again = await cache.GetOrCreateAsync("k", _ => ValueTask.FromResult(new Payload("y", 0)));

        Assert.Equal(value, result);
        Assert.Equal(value, again);
    }

    public sealed record Payload(string Name, int Number);
}
