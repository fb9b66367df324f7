using FileCache.Hybrid;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace FileCache.Tests.Hybrid;

/// <summary>The contract against Microsoft's default HybridCache: a failing test here means the suite is wrong.</summary>
public sealed class DefaultHybridCacheContractTests : HybridCacheContractTests
{
    protected override (HybridCache Cache, IDisposable Owner) CreateCache()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
#pragma warning disable CS0618 // MemoryCache still reads its clock through ISystemClock.
        services.AddMemoryCache(o => o.Clock = new FakeSystemClock(Time));
#pragma warning restore CS0618
        services.AddHybridCache();
        var provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<HybridCache>(), provider);
    }

#pragma warning disable CS0618
    private sealed class FakeSystemClock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
#pragma warning restore CS0618
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
}

/// <summary>The contract against the FileCache-backed HybridCache, registered with one call.</summary>
public sealed class FileHybridCacheContractTests : HybridCacheContractTests
{
    protected override (HybridCache Cache, IDisposable Owner) CreateCache()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddFileCache(o => o.Invalidation.Mode = FileCache.Invalidation.ValidationMode.None).AddHybridCache();
        var provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<HybridCache>(), provider);
    }
}
