using FileCache;
using FileCache.DependencyInjection;
using FileCache.Peers;
using FileCache.Peers.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the consistent-hash peer layer.</summary>
public static class FileCacheBuilderPeersExtensions
{
    /// <summary>
    /// Adds the peer layer: a load stage that sends a miss of a file this node does not own to one of its owners (weighted
    /// rendezvous hashing over the members), so a cold file is read once in the cluster. Registers
    /// <see cref="IFileCachePeers"/>. Map the owner's endpoint with <c>app.MapFileCachePeers()</c>. Options are validated
    /// at start-up. Hits never see the layer.
    /// </summary>
    /// <param name="builder">The builder <c>AddFileCache</c> returned.</param>
    /// <param name="configure">Sets the options (a node id, one membership source and a shared key are required).</param>
    /// <returns>The builder.</returns>
    public static IFileCacheBuilder AddPeers(this IFileCacheBuilder builder, Action<PeerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<PeerOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PeerOptions>, PeerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PeerRouter>(static provider => new PeerRouter(
            provider,
            provider.GetRequiredService<IOptions<PeerOptions>>().Value,
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IFileCachePeers>(static provider => provider.GetRequiredService<PeerRouter>());

        // The router is a load stage of the cache: added when the cache's options are built (once).
        services.AddOptions<FileCacheOptions>().Configure<PeerRouter>(static (options, router) =>
        {
            if (!options.LoadStages.Contains(router.Stage))
            {
                options.LoadStages.Add(router.Stage);
            }
        });
        return builder;
    }
}
