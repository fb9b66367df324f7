using FileCache;
using FileCache.DependencyInjection;
using FileCache.Redis;
using FileCache.Redis.Coherence;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers distributed coherence (and optionally an L2) through a Redis-compatible server.</summary>
public static class FileCacheBuilderRedisExtensions
{
    /// <summary>
    /// Makes the cache a node of a cluster: its invalidations go to an ordered log on the server and every node applies
    /// them in order; <see cref="IFileCache.InvalidateAsync"/> waits until every live member applied them (or their lease ran
    /// out); with <see cref="RedisCoherenceOptions.UseL2"/> file bytes are shared through an <c>IDistributedCache</c>.
    /// Registers <see cref="IRedisCoherence"/> (start it with <see cref="IRedisCoherence.StartAsync"/>). Options are
    /// validated at start-up. Call it once per service collection.
    /// </summary>
    /// <param name="builder">The builder <c>AddFileCache</c> returned.</param>
    /// <param name="configure">Sets the options (a connection is required).</param>
    /// <returns>The builder.</returns>
    public static IFileCacheBuilder AddRedisCoherence(this IFileCacheBuilder builder, Action<RedisCoherenceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<RedisCoherenceOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisCoherenceOptions>, RedisCoherenceOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RedisCoherenceNode>(static provider => new RedisCoherenceNode(
            provider,
            provider.GetRequiredService<IOptions<RedisCoherenceOptions>>().Value,
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IRedisCoherence>(static provider => provider.GetRequiredService<RedisCoherenceNode>());

        // The members and the applied sequence, for layers that route loads between nodes (Ferrule.FileCache.Peers).
        services.TryAddSingleton<FileCache.Cluster.IClusterMembership>(static provider => provider.GetRequiredService<RedisCoherenceNode>());

        // The node is the cache's publisher, and (with the L2 on) a load stage: set when the cache's options are built.
        services.AddOptions<FileCacheOptions>().Configure<RedisCoherenceNode>(static (options, node) => node.ConfigureCache(options));
        return builder;
    }

    /// <summary>Like <see cref="AddRedisCoherence(IFileCacheBuilder, Action{RedisCoherenceOptions})"/>, with a configuration string.</summary>
    /// <param name="builder">The builder <c>AddFileCache</c> returned.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, for example <c>127.0.0.1:6379</c>.</param>
    /// <param name="configure">Sets the other options.</param>
    /// <returns>The builder.</returns>
    public static IFileCacheBuilder AddRedisCoherence(this IFileCacheBuilder builder, string configuration, Action<RedisCoherenceOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        return builder.AddRedisCoherence(options =>
        {
            options.Configuration = configuration;
            configure?.Invoke(options);
        });
    }
}
