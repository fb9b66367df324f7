using FileCache.Peers.Endpoints;
using FileCache.Peers.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the FileCache peer endpoints.</summary>
public static class FileCachePeersEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the endpoint other nodes call on a miss of a key this node owns, under <c>PeerOptions.PathPrefix</c>. Nothing is
    /// exposed unless this is called. Every call must carry a valid HMAC under the shared key (401 otherwise), and only
    /// files inside a registered project's root are served. Register the layer first with
    /// <c>services.AddFileCache(...).AddPeers(...)</c>.
    /// </summary>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <returns>A builder for the endpoint, to add conventions (for example a host filter or rate limiting).</returns>
    /// <exception cref="InvalidOperationException">The peer layer is not registered.</exception>
    public static IEndpointConventionBuilder MapFileCachePeers(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var router = endpoints.ServiceProvider.GetService<PeerRouter>()
            ?? throw new InvalidOperationException("The FileCache peer layer is not registered: call services.AddFileCache(...).AddPeers(...).");
        string prefix = router.Options.PathPrefix.TrimEnd('/');
        var builder = endpoints.MapGet(prefix + PeerProtocol.FilePath, (RequestDelegate)PeerEndpoint.HandleAsync);
        builder.ExcludeFromDescription();
        return builder;
    }
}
