using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.DependencyInjection;

public class AddFileCacheTests
{
    private static int CountOf<T>(IServiceCollection services) => services.Count(d => d.ServiceType == typeof(T));

    [Fact]
    public void AddFileCache_Resolved_IsSingleton()
    {
        var services = new ServiceCollection();
        services.AddFileCache(o => o.AddProject("p", null));
        using var provider = services.BuildServiceProvider();

        var first = provider.GetRequiredService<IFileCache>();
        var second = provider.GetRequiredService<IFileCache>();
        using var scope = provider.CreateScope();
        var scoped = scope.ServiceProvider.GetRequiredService<IFileCache>();

        Assert.Same(first, second);
        Assert.Same(first, scoped);
        Assert.Equal(ServiceLifetime.Singleton, Assert.Single(services, d => d.ServiceType == typeof(IFileCache)).Lifetime);
    }

    [Fact]
    public void AddFileCache_CalledTwice_RegistersOnceAndAppliesBothConfigures()
    {
        var services = new ServiceCollection();

        services.AddFileCache(o =>
        {
            o.MaxBytes = 1_000;
            o.AddProject("first", null);
        });
        services.AddFileCache(o =>
        {
            o.MaxBytes = 2_000; // applies after the first call's action
            o.AddProject("second", null);
        });

        Assert.Equal(1, CountOf<IFileCache>(services));
        Assert.Equal(1, CountOf<IValidateOptions<FileCacheOptions>>(services));
        Assert.Equal(1, CountOf<TimeProvider>(services));
        Assert.Equal(2, CountOf<IConfigureOptions<FileCacheOptions>>(services));

        using var provider = services.BuildServiceProvider();
        var cache = provider.GetRequiredService<IFileCache>();
        Assert.Equal(new[] { "first", "second" }, cache.Projects.Order(StringComparer.Ordinal));
        Assert.Equal(2_000, cache.GetStatistics().BudgetBytes);
        Assert.Single(provider.GetServices<IValidateOptions<FileCacheOptions>>());
    }

    [Fact]
    public void AddFileCache_WithoutConfigure_UsesDefaults()
    {
        var services = new ServiceCollection();
        services.AddFileCache();
        using var provider = services.BuildServiceProvider();

        var cache = provider.GetRequiredService<IFileCache>();

        Assert.Empty(cache.Projects);
        Assert.Equal(FileCacheOptions.DefaultMaxBytes, cache.GetStatistics().BudgetBytes);
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void AddFileCache_NullServices_ThrowsArgumentNullExceptionForServices()
    {
        Assert.Throws<ArgumentNullException>("services", () => FileCacheServiceCollectionExtensions.AddFileCache(null!));
    }

    [Fact]
    public void AddFileCache_ReturnsBuilderOverTheSameCollection()
    {
        var services = new ServiceCollection();

        var builder = services.AddFileCache();

        Assert.Same(services, builder.Services);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AddFileCache_FakeTimeProviderRegistered_IsUsedForExpiration(bool registerBefore)
    {
        var time = new FakeTimeProvider();
        var services = new ServiceCollection();
        if (registerBefore)
        {
            services.AddSingleton<TimeProvider>(time);
        }

        services.AddFileCache(o =>
        {
            o.DefaultAbsoluteExpiration = TimeSpan.FromMinutes(1);
            o.AddProject("p", null);
        });
        if (!registerBefore)
        {
            services.AddSingleton<TimeProvider>(time);
        }

        using var provider = services.BuildServiceProvider();
        var cache = provider.GetRequiredService<IFileCache>();
        var key = cache.CreateKey("p", "a.cs");
        Assert.True(cache.Set(key, "value"));

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.True(cache.TryGet<string>(key, out _));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cache.TryGet<string>(key, out _));

        Assert.Equal(1, cache.GetStatistics().Total.Evictions.Expired);
        Assert.Same(time, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public async Task StartAsync_InvalidOptions_ThrowsOptionsValidationExceptionBeforeCacheIsResolved()
    {
        bool cacheBuilt = false;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(_ =>
        {
            cacheBuilt = true; // the cache's factory is the only consumer of TimeProvider here
            return new FakeTimeProvider();
        });
        builder.Services.AddFileCache(o => o.MaxBytes = 0);
        using var host = builder.Build(); // building does not validate

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(typeof(FileCacheOptions), ex.OptionsType);
        string failure = Assert.Single(ex.Failures);
        Assert.StartsWith("FileCacheOptions.MaxBytes ", failure, StringComparison.Ordinal);
        Assert.False(cacheBuilt);
    }

    [Fact]
    public async Task StartAsync_ValidOptions_StartsWithoutBuildingTheCache()
    {
        int configured = 0;
        bool cacheBuilt = false;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(_ =>
        {
            cacheBuilt = true;
            return new FakeTimeProvider();
        });
        builder.Services.AddFileCache(o =>
        {
            configured++;
            o.AddProject("p", null);
        });
        using var host = builder.Build();

        await host.StartAsync();

        Assert.Equal(1, configured); // validated on start
        Assert.False(cacheBuilt);
        var cache = host.Services.GetRequiredService<IFileCache>();
        Assert.True(cacheBuilt);
        Assert.Equal(new[] { "p" }, cache.Projects);
        await host.StopAsync();
    }

    [Fact]
    public void AddFileCache_Registration_DoesNotBuildTheCache()
    {
        int configured = 0;
        bool cacheBuilt = false;
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_ =>
        {
            cacheBuilt = true;
            return new FakeTimeProvider();
        });

        services.AddFileCache(o =>
        {
            configured++;
            o.AddProject("p", null);
        });

        var descriptor = Assert.Single(services, d => d.ServiceType == typeof(IFileCache));
        Assert.Null(descriptor.ImplementationInstance);
        Assert.NotNull(descriptor.ImplementationFactory);
        Assert.Equal(0, configured);

        using var provider = services.BuildServiceProvider();
        Assert.Equal(0, configured);
        Assert.False(cacheBuilt);

        var cache = provider.GetRequiredService<IFileCache>();
        Assert.Equal(1, configured);
        Assert.True(cacheBuilt);
        Assert.Same(cache, provider.GetRequiredService<IFileCache>());
        Assert.Equal(1, configured);
    }

    [Fact]
    public void GetRequiredService_InvalidOptionsWithoutHost_ThrowsOptionsValidationException()
    {
        var services = new ServiceCollection();
        services.AddFileCache(o =>
        {
            o.MaxBytes = 0;
            o.AddProject("p", "relative");
        });
        using var provider = services.BuildServiceProvider(); // building does not validate

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IFileCache>());

        Assert.Equal(2, ex.Failures.Count());
    }

    [Fact]
    public void DisposeProvider_DisposesTheCache()
    {
        var services = new ServiceCollection();
        services.AddFileCache(o => o.AddProject("p", null));
        var provider = services.BuildServiceProvider();
        var cache = provider.GetRequiredService<IFileCache>();

        provider.Dispose();

        Assert.Throws<ObjectDisposedException>(() => cache.GetStatistics());
    }
}
