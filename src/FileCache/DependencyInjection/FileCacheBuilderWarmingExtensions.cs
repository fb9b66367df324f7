using FileCache;
using FileCache.DependencyInjection;
using FileCache.Warming;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers warming: the warmer, its hosted service, hot-set sources and strategies.</summary>
public static class FileCacheBuilderWarmingExtensions
{
    /// <summary>
    /// Registers <see cref="IFileCacheWarmer"/> and a hosted service that warms the cache at start-up (in the background
    /// unless <see cref="FileCacheWarmingOptions.BlockStartup"/>) and writes the hot-set manifests periodically and at
    /// shutdown; adds the load stage that lets warming yield to foreground misses and feeds the co-access model.
    /// Safe to call more than once: registrations are added once, and each <paramref name="configure"/> applies in order.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets <see cref="FileCacheOptions.Warming"/>.</param>
    /// <returns>The builder.</returns>
    public static IFileCacheBuilder AddWarming(this IFileCacheBuilder builder, Action<FileCacheWarmingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (configure is not null)
        {
            services.Configure<FileCacheOptions>(options => configure(options.Warming));
        }

        if (services.Any(d => d.ServiceType == typeof(WarmingSignals)))
        {
            return builder;
        }

        services.TryAddSingleton(static provider => new WarmingSignals(
            provider.GetRequiredService<IOptions<FileCacheOptions>>().Value.Warming,
            provider.GetRequiredService<TimeProvider>()));

        // The stage reaches the signals through the provider when the options are built (before the cache exists).
        services.AddOptions<FileCacheOptions>().Configure<IServiceProvider>(static (options, provider) =>
        {
            var signals = new Lazy<WarmingSignals>(provider.GetRequiredService<WarmingSignals>);
            options.LoadStages.Add((context, next) => signals.Value.RunStageAsync(context, next));
        });
        services.TryAddSingleton<IFileCacheWarmer>(static provider => new FileCacheWarmer(
            provider.GetRequiredService<IFileCache>(),
            provider.GetRequiredService<IOptions<FileCacheOptions>>().Value.Warming,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<WarmingSignals>(),
            provider.GetServices<IWarmingStrategy>(),
            provider.GetServices<IHotSetSource>(),
            provider.GetService<ILoggerFactory>()?.CreateLogger("FileCache.Warming")));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WarmingHostedService>(static provider => new WarmingHostedService(
            provider.GetRequiredService<IFileCacheWarmer>(),
            provider.GetRequiredService<IOptions<FileCacheOptions>>().Value.Warming,
            provider.GetRequiredService<TimeProvider>())));
        return builder;
    }

    /// <summary>
    /// Adds a source of hot sets asked before the local manifest (for example a joining node's view of the cluster's hot
    /// set). Sources are asked in registration order; the first that has a project's hot set wins.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="source">The source.</param>
    /// <returns>The builder.</returns>
    public static IFileCacheBuilder AddHotSetSource(this IFileCacheBuilder builder, IHotSetSource source)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        builder.Services.AddSingleton(source);
        return builder;
    }

    /// <summary>Adds a warming strategy, asked for items by every warming run after the hot sets.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="strategy">The strategy.</param>
    /// <returns>The builder.</returns>
    public static IFileCacheBuilder AddWarmingStrategy(this IFileCacheBuilder builder, IWarmingStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(strategy);
        builder.Services.AddSingleton(strategy);
        return builder;
    }
}
