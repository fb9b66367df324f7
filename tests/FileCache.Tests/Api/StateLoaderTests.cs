// Every ValueTask here is checked complete before use: the loaders complete synchronously, and awaiting would allocate.
#pragma warning disable CA2012
namespace FileCache.Tests.Api;

/// <summary>
/// GetOrAddAsync with a state argument: no closure, nothing allocated on a hit, and less than a closure on a miss
/// (the load runs the state adapter itself, with no delegate bound to it).
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

    [Fact]
    public void Miss_WithAStaticLoader_AllocatesLessThanACapturingLambda()
    {
        using var cache = CacheFixture.Create(1 << 24);
        var options = CacheFixture.Size(10);
        var state = new Settings("x");
        var keys = Enumerable.Range(0, 6 * (Rounds + 1)).Select(i => cache.CreateKey("p", $"k{i}")).ToArray();

        // Three alternating rounds each, keeping the smallest: one round can be charged for a one-off allocation of the
        // thread or of the store (a table resize, a first use) that has nothing to do with the loader's shape.
        long withState = long.MaxValue;
        long withClosure = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            withState = Math.Min(withState, MissBytes(cache, keys.AsSpan(2 * round * (Rounds + 1), Rounds + 1), state, options, withState: true));
            withClosure = Math.Min(withClosure, MissBytes(cache, keys.AsSpan((2 * round + 1) * (Rounds + 1), Rounds + 1), state, options, withState: false));
        }

        Assert.True(withState < withClosure, $"a miss with state allocated {withState / Rounds} B, with a closure {withClosure / Rounds} B");
    }

    private static long MissBytes(IFileCache cache, ReadOnlySpan<FileKey> keys, Settings state, FileCacheEntryOptions options, bool withState)
    {
        Miss(cache, keys[0], state, options, withState);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 1; i < keys.Length; i++)
        {
            Miss(cache, keys[i], state, options, withState);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static void Miss(IFileCache cache, FileKey key, Settings state, FileCacheEntryOptions options, bool withState)
    {
        Assert.False(cache.TryGetValue(key, out _));
        Hit(cache, key, state, options, withState);
    }

    private sealed record Settings(string Value);
}
