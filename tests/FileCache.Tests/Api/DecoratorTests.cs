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
    /// A decorator written against the interface's required members only: it forwards each and counts two of them
    /// (through <see cref="OlderImplementer"/>) and forwards the monitor; the members with default implementations
    /// (InvalidateAsync, GetOrAddAsync with state) are left to the defaults.
    /// </summary>
    private sealed class CountingDecorator(IFileCache inner) : OlderImplementer(inner), IFileCache
    {
        public CacheMonitor Monitor => Inner.Monitor;
    }
}
