// Every ValueTask here is checked complete before use: the loaders complete synchronously, and awaiting would allocate.
#pragma warning disable CA2012
namespace FileCache.Tests.Api;

/// <summary>
/// GetOrAddAsync with a state argument: no closure, nothing allocated on a hit. (A miss measured 1,183 B against
/// 1,119 B with a closure: not less yet, because a load still takes a delegate; see the closing report.)
/// </summary>
public sealed class StateLoaderTests
{
    private const int Rounds = 200;

    [Fact]
    public void Hit_WithAStaticLoader_AllocatesNothing_WhereACapturingLambdaAllocatesEveryCall()
    {
        using var cache = CacheFixture.Create(1 << 20);
        var key = cache.CreateKey("p", "a");
        var options = CacheFixture.Size(10);
        var state = new Settings("x");
        cache.Set(key, "x", options);

        Assert.Equal(0, HitBytes(cache, key, state, options, withState: true));
        Assert.True(HitBytes(cache, key, state, options, withState: false) >= Rounds * 32, "a capturing lambda allocates per call");
    }

    private static long HitBytes(IFileCache cache, FileKey key, Settings state, FileCacheEntryOptions options, bool withState)
    {
        // The same call site warms up (JIT, the static lambda's cached delegate) and is then measured.
        Hit(cache, key, state, options, withState);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Rounds; i++)
        {
            Hit(cache, key, state, options, withState);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    // Two methods, not one with both lambdas: a method with a capturing lambda allocates its closure on entry.
    private static void Hit(IFileCache cache, FileKey key, Settings state, FileCacheEntryOptions options, bool withState)
    {
        if (withState)
        {
            HitWithState(cache, key, state, options);
        }
        else
        {
            HitWithClosure(cache, key, state, options);
        }
    }

    private static void HitWithState(IFileCache cache, FileKey key, Settings state, FileCacheEntryOptions options) =>
        Assert.True(cache.GetOrAddAsync(key, state, static (_, s, _) => ValueTask.FromResult(s.Value), options).IsCompletedSuccessfully);

    private static void HitWithClosure(IFileCache cache, FileKey key, Settings state, FileCacheEntryOptions options) =>
        Assert.True(cache.GetOrAddAsync(key, (_, _) => ValueTask.FromResult(state.Value), options).IsCompletedSuccessfully);

    private sealed record Settings(string Value);
}
