using FileCache;
using FileCache.DependencyInjection;
using FileCache.Monitoring;
using FileCache.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers file caches configured from <see cref="IConfiguration"/>, and named (keyed) caches.</summary>
public static class FileCacheConfigurationExtensions
{
    /// <summary>
    /// Registers <see cref="IFileCache"/> like <see cref="FileCacheServiceCollectionExtensions.AddFileCache(IServiceCollection, Action{FileCacheOptions}?)"/>,
    /// with its options bound from <paramref name="configuration"/> (typically <c>configuration.GetSection("FileCache")</c>).
    /// Every option is bindable; a key that names no option, a value that does not convert, and an invalid value all fail
    /// at start-up. A list in the configuration (<c>Memory:AlertThresholds</c>, <c>Projects</c>, <c>Monitoring:Rules</c>)
    /// replaces the default list instead of adding to it.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding the options.</param>
    /// <param name="configure">Sets options after the binding.</param>
    /// <returns>A builder for optional features.</returns>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(TrimMessage)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(TrimMessage)]
    public static IFileCacheBuilder AddFileCache(this IServiceCollection services, IConfiguration configuration, Action<FileCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<IConfigureOptions<FileCacheOptions>>(new ConfigureNamedOptions<FileCacheOptions>(Options.Options.DefaultName, options => Bind(configuration, options)));
        return services.AddFileCache(configure);
    }

    /// <summary>
    /// Registers a named cache, resolved with <c>GetRequiredKeyedService&lt;IFileCache&gt;(name)</c> or <c>[FromKeyedServices(name)]</c>,
    /// independent of every other cache in the process (its own budget, projects, statistics and watchers). Its meter carries the
    /// tag <see cref="FileCache.Telemetry.FileCacheTelemetry.CacheNameTag"/> = <paramref name="name"/> (unless
    /// <see cref="FileCacheOptions.Name"/> is set), so its series can be told apart. Options are validated at start-up.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The service key and options name.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>A builder for optional features.</returns>
    public static IFileCacheBuilder AddKeyedFileCache(this IServiceCollection services, string name, Action<FileCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddOptions<FileCacheOptions>(name).ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(name, configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FileCacheOptions>, FileCacheOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddKeyedSingleton<IFileCache>(name, static (provider, key) =>
        {
            string cacheName = (string)key!;
            var options = provider.GetRequiredService<IOptionsMonitor<FileCacheOptions>>().Get(cacheName);
            options.Name ??= cacheName;
            return new DefaultFileCache(
                options,
                provider.GetRequiredService<TimeProvider>(),
                provider.GetService<System.Diagnostics.Metrics.IMeterFactory>(),
                provider.GetServices<FileCache.Invalidation.IInvalidationStrategy>(),
                provider.GetServices<FileCache.Invalidation.IInvalidationHook>(),
                provider.GetService<Logging.ILoggerFactory>()?.CreateLogger("FileCache." + cacheName));
        });
        services.TryAddKeyedSingleton(name, static (provider, key) => CacheMonitor.For(provider.GetRequiredKeyedService<IFileCache>(key)));
        return new KeyedBuilder(services);
    }

    /// <summary>Registers a named cache (see <see cref="AddKeyedFileCache(IServiceCollection, string, Action{FileCacheOptions}?)"/>) with options bound from <paramref name="configuration"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The service key and options name.</param>
    /// <param name="configuration">The section holding the options.</param>
    /// <param name="configure">Sets options after the binding.</param>
    /// <returns>A builder for optional features.</returns>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(TrimMessage)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(TrimMessage)]
    public static IFileCacheBuilder AddKeyedFileCache(this IServiceCollection services, string name, IConfiguration configuration, Action<FileCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddSingleton<IConfigureOptions<FileCacheOptions>>(new ConfigureNamedOptions<FileCacheOptions>(name, options => Bind(configuration, options)));
        return services.AddKeyedFileCache(name, configure);
    }

    /// <summary>Binds the options; lists present in the configuration replace the defaults; unknown keys throw.</summary>
    /// <remarks>
    /// The reflection binder, like <c>OptionsConfigurationServiceCollectionExtensions.Configure</c>: the source-generated
    /// binder refuses the whole project list because a project may also hold a code-only <see cref="FileCache.Sources.IFileSource"/>
    /// or file provider, which no configuration can create (those two are simply not bound).
    /// </remarks>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(TrimMessage)]
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode(TrimMessage)]
    internal static void Bind(IConfiguration configuration, FileCacheOptions options)
    {
        if (configuration.GetSection(nameof(FileCacheOptions.Memory)).GetSection(nameof(FileCacheOptions.Memory.AlertThresholds)).GetChildren().Any())
        {
            options.Memory.AlertThresholds.Clear();
        }

        configuration.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
    }

    private const string TrimMessage = "Binding options from configuration uses reflection over FileCacheOptions; configure the options in code for trimmed or native AOT applications.";

    private sealed class KeyedBuilder(IServiceCollection services) : IFileCacheBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
