using FileCache.Invalidation;
using Microsoft.Extensions.Time.Testing;
using static FileCache.Tests.Invalidation.InvalidationFixture;

namespace FileCache.Tests.Invalidation;

/// <summary>Soft invalidation: stale reads while one background refresh runs, bounded by MaxStaleness; timing with a fake clock.</summary>
public sealed class SoftInvalidationTests
{
    private static readonly TimeSpan MaxStaleness = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new();

    private FileCache.Storage.DefaultFileCache NewCache() => Create(_time, configure: o =>
    {
        o.MaxStaleness = MaxStaleness;
        o.RefreshRetryDelay = RetryDelay;
    });

    [Fact]
    public async Task Soft_ServesStaleWhileOneRefreshRuns_ThenTheFreshValue()
    {
        using var cache = NewCache();
        var key = cache.CreateKey("p", "a", "model");
        var loader = new ScriptedLoader();
        Assert.Equal("v1", await cache.GetOrAddAsync(key, loader.Load, Sized));

        Assert.Equal(1, cache.Invalidate(InvalidationRequest.ForKey(key).AsSoft()).Invalidated);
        Assert.True(cache.IsStale(key));
        for (int i = 0; i < 5; i++)
        {
            Assert.True(cache.TryGet(key, out string? stale));
            Assert.Equal("v1", stale);
        }

        await loader.Called(2).WaitAsync(Wait);
        loader.Release("v2");
        Assert.True(SpinWait.SpinUntil(() => cache.TryGet(key, out string? v) && v == "v2", Wait));
        Assert.True(SpinWait.SpinUntil(() => cache.GetStatistics().Invalidation!.Refreshes == 1, Wait));

        Assert.Equal(2, loader.Calls);
        Assert.False(cache.IsStale(key));
        var stats = cache.GetStatistics().Invalidation!;
        Assert.Equal(1, stats.Refreshes);
        Assert.True(stats.StaleServed >= 5);
    }

    [Fact]
    public async Task Soft_PastMaxStaleness_ReadersWaitForTheFreshValue()
    {
        using var cache = NewCache();
        var key = cache.CreateKey("p", "a", "model");
        var loader = new ScriptedLoader();
        await cache.GetOrAddAsync(key, loader.Load, Sized);
        cache.Invalidate(InvalidationRequest.ForKey(key).AsSoft());
        Assert.True(cache.TryGet(key, out string? _));
        await loader.Called(2).WaitAsync(Wait);

        _time.Advance(MaxStaleness - TimeSpan.FromMilliseconds(1));
        Assert.True(cache.TryGet(key, out string? stillStale));
        Assert.Equal("v1", stillStale);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(cache.TryGet(key, out string? _));
        var waiting = cache.GetOrAddAsync(key, loader.Load, Sized).AsTask();
        Assert.False(waiting.IsCompleted);
        loader.Release("v2");
        Assert.Equal("v2", await waiting.WaitAsync(Wait));
        Assert.Equal(2, loader.Calls);
        Assert.Equal(1, cache.GetStatistics().Invalidation!.GetCount(InvalidationCause.Expiry));
    }

    [Fact]
    public async Task Soft_FailedRefresh_KeepsOldValueUpToTheBound_RetriesAfterTheDelay()
    {
        using var cache = NewCache();
        var key = cache.CreateKey("p", "a", "model");
        var loader = new ScriptedLoader();
        await cache.GetOrAddAsync(key, loader.Load, Sized);
        cache.Invalidate(InvalidationRequest.ForKey(key).AsSoft());

        Assert.True(cache.TryGet(key, out string? _));
        await loader.Called(2).WaitAsync(Wait);
        loader.Fail(new IOException("disk gone"));
        Assert.True(SpinWait.SpinUntil(() => cache.GetStatistics().Invalidation!.RefreshFailures == 1, Wait));

        // Within the retry delay: the old value, and no new refresh.
        Assert.True(cache.TryGet(key, out string? kept));
        Assert.Equal("v1", kept);
        Assert.Equal(2, loader.Calls);

        _time.Advance(RetryDelay);
        Assert.True(cache.TryGet(key, out string? _));
        await loader.Called(3).WaitAsync(Wait);

        _time.Advance(MaxStaleness);
        Assert.False(cache.TryGet(key, out string? _));
        loader.Release("v3");
    }

    [Fact]
    public void Soft_OnAValueWithoutLoader_RemovesIt()
    {
        using var cache = NewCache();
        var key = Put(cache, "a");

        Assert.Equal(1, cache.Invalidate(InvalidationRequest.ForKey(key).AsSoft()).Invalidated);
        Assert.False(Has(cache, key));
    }

    [Fact]
    public async Task Soft_OnAFile_RereadsItInTheBackground()
    {
        using var dir = new TestDirectory();
        dir.Write("a.txt", "one");
        using var cache = CreateRooted(dir.Root, _time, o => o.Mode = ValidationMode.None);
        var first = await cache.ReadAsync("p", "a.txt");
        dir.Write("a.txt", "two!");

        cache.Invalidate(InvalidationRequest.ForDirectory("p", "a.txt").AsSoft());
        Assert.True(cache.TryGet("p", "a.txt", out CachedFile? stale));
        Assert.Same(first, stale);

        Assert.True(SpinWait.SpinUntil(() => cache.TryGet("p", "a.txt", out CachedFile? f) && f!.Length == 4, Wait));
    }

    /// <summary>First call returns "v1"; later calls wait for the test to release or fail them.</summary>
    private sealed class ScriptedLoader
    {
        private readonly object _gate = new();
        private readonly List<TaskCompletionSource<string>> _pending = [];
        private readonly Dictionary<int, TaskCompletionSource> _called = [];
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task Called(int n)
        {
            lock (_gate)
            {
                if (_calls >= n)
                {
                    return Task.CompletedTask;
                }

                if (!_called.TryGetValue(n, out var tcs))
                {
                    _called[n] = tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                return tcs.Task;
            }
        }

        public ValueTask<string> Load(FileKey key, CancellationToken cancellationToken)
        {
            TaskCompletionSource<string> result;
            lock (_gate)
            {
                int call = ++_calls;
                if (_called.Remove(call, out var signal))
                {
                    signal.SetResult();
                }

                if (call == 1)
                {
                    return ValueTask.FromResult("v1");
                }

                result = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                _pending.Add(result);
            }

            return new ValueTask<string>(result.Task);
        }

        public void Release(string value) => Next().SetResult(value);

        public void Fail(Exception exception) => Next().SetException(exception);

        private TaskCompletionSource<string> Next()
        {
            lock (_gate)
            {
                var next = _pending[0];
                _pending.RemoveAt(0);
                return next;
            }
        }
    }
}
