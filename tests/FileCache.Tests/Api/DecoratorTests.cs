using FileCache.Invalidation;
using FileCache.Monitoring;
using FileCache.Statistics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FileCache.Tests.Api;

/// <summary>A decorated cache keeps every feature: monitoring, statistics, invalidation, the members added with defaults.</summary>
public sealed class DecoratorTests
{
    [Fact]
    public void Monitor_OfADecoratedCache_IsTheInnerCachesMonitor()
    {
        using var inner = CacheFixture.Create(1000);
        using var decorated = new CountingDecorator(inner);

        Assert.Same(inner.Monitor, CacheMonitor.For(decorated));
        Assert.Same(inner.Monitor, decorated.Monitor);
    }

    [Fact]
    public void DependencyInjection_WithADecoratorRegistered_ResolvesTheMonitorThroughIt()
    {
        var services = new ServiceCollection();
        services.AddFileCache(o => o.AddProject("p", null));

        // Decorate the registered cache, as a tracing or distributed layer would.
        var registered = services.Single(d => d.ServiceType == typeof(IFileCache));
        services.Replace(ServiceDescriptor.Singleton<IFileCache>(provider =>
            new CountingDecorator((IFileCache)registered.ImplementationFactory!(provider))));
        using var provider = services.BuildServiceProvider();

        var cache = provider.GetRequiredService<IFileCache>();
        var monitor = provider.GetRequiredService<CacheMonitor>();

        Assert.IsType<CountingDecorator>(cache);
        Assert.Same(cache.Monitor, monitor);
        cache.Set(cache.CreateKey("p", "a"), "x", CacheFixture.Size(10));
        Assert.True(cache.TryGet(cache.CreateKey("p", "a"), out string? _));
        Assert.Equal(1, cache.GetStatistics().Total.Hits);
    }

    [Fact]
    public async Task MembersWithDefaults_OnADecoratorThatDoesNotForwardThem_GoThroughTheDecorator()
    {
        using var inner = CacheFixture.Create(1000);
        using var decorated = new CountingDecorator(inner);
        IFileCache cache = decorated;
        var key = cache.CreateKey("p", "a");
        cache.Set(key, "x", CacheFixture.Size(10));

        var result = await cache.InvalidateAsync(InvalidationRequest.ForKey(key));
        string value = await cache.GetOrAddAsync(key, "state", static (_, state, _) => ValueTask.FromResult(state + "!"), CacheFixture.Size(10));

        Assert.Equal(1, result.Invalidated);
        Assert.Equal(1, result.Sequence);
        Assert.Equal(1, decorated.Invalidations);
        Assert.Equal(1, decorated.Loads);
        Assert.Equal("state!", value);
        Assert.Equal(1, cache.GetStatistics().Invalidation!.LastSequence);
        Assert.Equal(inner.GetStatistics().Memory, cache.GetStatistics().Memory);
    }

    /// <summary>
    /// A decorator written against the interface's required members only: it forwards each and counts two of them;
    /// the members with default implementations (InvalidateAsync, GetOrAddAsync with state) are left to the defaults.
    /// </summary>
    private sealed class CountingDecorator(IFileCache inner) : IFileCache
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

        public CacheMonitor Monitor => inner.Monitor;

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
