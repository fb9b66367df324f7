using System.Diagnostics.Metrics;
using FileCache.Monitoring;
using FileCache;
using FileCache.DependencyInjection;
using FileCache.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the file cache in a service collection.</summary>
public static class FileCacheServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IFileCache"/> and its <see cref="CacheMonitor"/> as singletons with options validated at
    /// start-up, and <see cref="TimeProvider.System"/> unless a <see cref="TimeProvider"/> is registered. The cache's
    /// meter is created through <see cref="IMeterFactory"/> when one is registered (for example by <c>AddMetrics</c>). Safe to call more than
    /// once: registrations are added only once, and each call's <paramref name="configure"/> applies in order.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>A builder for optional features.</returns>
    public static IFileCacheBuilder AddFileCache(this IServiceCollection services, Action<FileCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<FileCacheOptions>().ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FileCacheOptions>, FileCacheOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IFileCache>(static provider => new DefaultFileCache(
            provider.GetRequiredService<IOptions<FileCacheOptions>>().Value,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<IMeterFactory>(),
            provider.GetServices<FileCache.Invalidation.IInvalidationStrategy>(),
            provider.GetServices<FileCache.Invalidation.IInvalidationHook>(),
            provider.GetService<Microsoft.Extensions.Logging.ILoggerFactory>()?.CreateLogger("FileCache")));
        services.TryAddSingleton(static provider => provider.GetRequiredService<IFileCache>().Monitor);
        return new FileCacheBuilder(services);
    }

    private sealed class FileCacheBuilder(IServiceCollection services) : IFileCacheBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
