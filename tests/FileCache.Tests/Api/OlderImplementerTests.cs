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

    /// <summary>
    /// Implements exactly the members <see cref="IFileCache"/> had at commit bbdd613 (before issue 9), forwarding
    /// each; it must keep compiling as members are added. Do not add the newer members here.
    /// </summary>
    private sealed class OlderImplementer(IFileCache inner) : IFileCache
    {
        public int Invalidations { get; private set; }

        public int Loads { get; private set; }

        public event EventHandler<FileCacheEntryRemovedEventArgs>? EntryRemoved
        {
            add => inner.EntryRemoved += value;
            remove => inner.EntryRemoved -= value;
        }

        public event EventHandler<FileCacheMemoryAlertEventArgs>? MemoryAlert
        {
            add => inner.MemoryAlert += value;
            remove => inner.MemoryAlert -= value;
        }

        public IReadOnlyCollection<string> Projects => inner.Projects;

        public void AddProject(FileCacheProjectOptions project) => inner.AddProject(project);

        public bool RemoveProject(string project) => inner.RemoveProject(project);

        public FileKey CreateKey(string project, string path, string? variant = null) => inner.CreateKey(project, path, variant);

        public ValueTask<CachedFile> ReadAsync(string project, string path, CancellationToken cancellationToken = default) => inner.ReadAsync(project, path, cancellationToken);

        public ValueTask<CachedFile> ReadAsync(FileKey key, CancellationToken cancellationToken = default) => inner.ReadAsync(key, cancellationToken);

        public bool TryGetValue(in FileKey key, out object? value) => inner.TryGetValue(key, out value);

        public bool TryGetValue(string project, string path, out object? value) => inner.TryGetValue(project, path, out value);

        public bool TryGetContentLength(in FileKey key, out int length) => inner.TryGetContentLength(key, out length);

        public bool TryCopyContent(in FileKey key, Span<byte> destination, out int bytesWritten) => inner.TryCopyContent(key, destination, out bytesWritten);

        public bool TryLeaseContent(in FileKey key, out FileContentLease lease) => inner.TryLeaseContent(key, out lease);

        public ValueTask<T> GetOrAddAsync<T>(FileKey key, Func<FileKey, CancellationToken, ValueTask<T>> loader, FileCacheEntryOptions? options = null, CancellationToken cancellationToken = default)
        {
            Loads++;
            return inner.GetOrAddAsync(key, loader, options, cancellationToken);
        }

        public bool Set<T>(in FileKey key, T value, FileCacheEntryOptions? options = null) => inner.Set(key, value, options);

        public bool Remove(in FileKey key) => inner.Remove(key);

        public bool Remove(string project, string path) => inner.Remove(project, path);

        public int InvalidateProject(string project) => inner.InvalidateProject(project);

        public InvalidationResult Invalidate(InvalidationRequest request)
        {
            Invalidations++;
            return inner.Invalidate(request);
        }

        public bool IsStale(in FileKey key) => inner.IsStale(key);

        public Task SynchronizeAsync(string project, CancellationToken cancellationToken = default) => inner.SynchronizeAsync(project, cancellationToken);

        public void Clear() => inner.Clear();

        public FileCacheStatistics GetStatistics() => inner.GetStatistics();

        public void Dispose() => inner.Dispose();
    }
}
