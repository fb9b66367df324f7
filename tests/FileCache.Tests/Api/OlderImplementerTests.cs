using FileCache.Invalidation;
using FileCache.Monitoring;
using FileCache.Statistics;

namespace FileCache.Tests.Api;

/// <summary>
/// Adding to <see cref="IFileCache"/> does not break implementers: a class written against the interface as it was
/// before issue 9 (commit bbdd613: no Monitor, InvalidateAsync or GetOrAddAsync with state) still compiles, and the
/// members added since answer through its own members.
/// </summary>
public sealed class OlderImplementerTests
{
    [Fact]
    public async Task InvalidateAsync_OnAnOlderImplementer_CallsItsInvalidate()
    {
        using var inner = CacheFixture.Create(1000);
        using var older = new OlderImplementer(inner);
        IFileCache cache = older;
        var key = cache.CreateKey("p", "a");
        cache.Set(key, "x", CacheFixture.Size(10));

        var result = await cache.InvalidateAsync(InvalidationRequest.ForKey(key));

        Assert.Equal(1, older.Invalidations);
        Assert.Equal(1, result.Invalidated);
        Assert.False(cache.TryGetValue(key, out _));
    }

    [Fact]
    public async Task InvalidateAsync_OnAnOlderImplementer_WithACancelledToken_ThrowsWithoutInvalidating()
    {
        using var inner = CacheFixture.Create(1000);
        using var older = new OlderImplementer(inner);
        IFileCache cache = older;
        var key = cache.CreateKey("p", "a");
        cache.Set(key, "x", CacheFixture.Size(10));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => cache.InvalidateAsync(InvalidationRequest.ForKey(key), new CancellationToken(canceled: true)).AsTask());

        Assert.Equal(0, older.Invalidations);
        Assert.True(cache.TryGetValue(key, out _));
    }

    [Fact]
    public async Task GetOrAddAsyncWithState_OnAnOlderImplementer_LoadsThroughItsGetOrAddAsync()
    {
        using var inner = CacheFixture.Create(1000);
        using var older = new OlderImplementer(inner);
        IFileCache cache = older;
        var key = cache.CreateKey("p", "a");

        string first = await cache.GetOrAddAsync(key, 41, static (_, state, _) => ValueTask.FromResult($"v{state + 1}"), CacheFixture.Size(10));
        string second = await cache.GetOrAddAsync(key, 0, static (_, _, _) => ValueTask.FromResult("not loaded"), CacheFixture.Size(10));

        Assert.Equal("v42", first);
        Assert.Equal("v42", second);
        Assert.Equal(2, older.Loads);
        Assert.Equal(1, inner.GetStatistics().Total.Misses);
    }

    [Fact]
    public void Monitor_OnAnOlderImplementer_ThrowsNotSupportedNamingTheType()
    {
        using var inner = CacheFixture.Create(1000);
        using var older = new OlderImplementer(inner);

        var ex = Assert.Throws<NotSupportedException>(() => CacheMonitor.For(older));

        Assert.Contains(nameof(OlderImplementer), ex.Message, StringComparison.Ordinal);
        Assert.Contains("IFileCache.Monitor", ex.Message, StringComparison.Ordinal);
    }
}
