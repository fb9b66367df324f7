using FileCache.DependencyInjection;
using FileCache.Redis.Coherence;
using FileCache.Redis.Warming;
using FileCache.Warming;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the cluster's hot sets on the server as a source and store of warming.</summary>
public static class FileCacheBuilderRedisHotSetExtensions
{
    /// <summary>
    /// Shares hot sets through the cluster's server: this node publishes its hot set of each project (bounded by
    /// <see cref="RedisHotSetOptions.MaxEntries"/>) with the manifests, periodically and at shutdown, and a joining node
    /// warms from the merge of every node's hot set before its own manifest (entries whose file changed since are
    /// skipped). Needs <c>AddRedisCoherence</c>; adds warming (<c>AddWarming</c>) if it is not there. Call it once.
    /// </summary>
    /// <param name="builder">The builder <c>AddFileCache</c> returned.</param>
    /// <param name="configure">Sets the options (checked here).</param>
    /// <returns>The builder.</returns>
    public static IFileCacheBuilder AddRedisHotSets(this IFileCacheBuilder builder, Action<RedisHotSetOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new RedisHotSetOptions();
        configure?.Invoke(options);
        options.Validate();
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(RedisHotSetStore)))
        {
            throw new InvalidOperationException("AddRedisHotSets was already called for this service collection.");
        }

        services.AddSingleton(provider => new RedisHotSetStore(
            provider.GetService<RedisCoherenceNode>() ?? throw new InvalidOperationException("AddRedisHotSets needs AddRedisCoherence on the same builder."),
            options));
        services.AddSingleton<IHotSetSource>(static provider => provider.GetRequiredService<RedisHotSetStore>());
        return builder.AddWarming();
    }
}
