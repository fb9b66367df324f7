using FileCache;
using FileCache.DependencyInjection;
using FileCache.Hybrid;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a <see cref="HybridCache"/> backed by the file cache.</summary>
public static class FileCacheBuilderHybridExtensions
{
    /// <summary>
    /// Registers <see cref="HybridCache"/> as a singleton over the registered <see cref="IFileCache"/>: code written against
    /// <see cref="HybridCache"/> gets FileCache's partitions, budget, admission, statistics and tags. Options are validated at
    /// start-up. Registered only if no <see cref="HybridCache"/> is registered yet (call it instead of <c>AddHybridCache</c>).
    /// </summary>
    /// <param name="builder">The builder <c>AddFileCache</c> returned.</param>
    /// <param name="configure">Sets the options (see <see cref="FileHybridCacheOptions"/> for how keys map to projects).</param>
    /// <returns>The builder.</returns>
    public static IFileCacheBuilder AddHybridCache(this IFileCacheBuilder builder, Action<FileHybridCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<FileHybridCacheOptions>()
            .Validate(o => !FileHybridCacheFactory.Validate(o).Any(), "FileHybridCacheOptions are invalid: see FileHybridCacheFactory.Create for each rule.")
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<HybridCache>(static provider => FileHybridCacheFactory.Create(
            provider.GetRequiredService<IFileCache>(),
            provider.GetRequiredService<IOptions<FileHybridCacheOptions>>().Value));
        return builder;
    }
}
