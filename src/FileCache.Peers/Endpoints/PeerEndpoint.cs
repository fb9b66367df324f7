using System.Globalization;
using System.IO.Hashing;
using FileCache.Peers.Routing;
using FileCache.Peers.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FileCache.Peers.Endpoints;

/// <summary>
/// The owner's side of a peer call. In order: the signature (401 without a valid one), the key (400 for a path outside
/// its project's root or an unknown project: the cache's own key rules decide), ownership in this node's view (421 when
/// not an owner, so views that disagree cost a local load, never a loop), the watermark (catch up on the invalidation log
/// to the caller's sequence within <see cref="PeerOptions.CatchUpTimeout"/>, else 409), then a read through this node's
/// cache marked as served for a peer (it is never forwarded again) and the bytes with their hash as ETag.
/// </summary>
internal static class PeerEndpoint
{
    public static async Task HandleAsync(HttpContext http)
    {
        var router = http.RequestServices.GetRequiredService<PeerRouter>();
        int status = await ServeAsync(http, router).ConfigureAwait(false);
        router.Metrics.ServedWith(status);
    }

    private static async Task<int> ServeAsync(HttpContext http, PeerRouter router)
    {
        var request = http.Request;
        var response = http.Response;
        string target = http.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw
            ? raw
            : request.PathBase.ToUriComponent() + request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
        long now = router.Time.GetUtcNow().ToUnixTimeMilliseconds();
        if (!router.Signer.Verify(request.Method, target, request.Headers[PeerSigner.CallerHeader], request.Headers[PeerSigner.TimeHeader], request.Headers[PeerSigner.SignatureHeader], now))
        {
            return response.StatusCode = StatusCodes.Status401Unauthorized;
        }

        string? project = request.Query["project"];
        string? path = request.Query["path"];
        if (string.IsNullOrEmpty(project) || string.IsNullOrEmpty(path)
            || !long.TryParse(request.Query["after"], NumberStyles.None, CultureInfo.InvariantCulture, out long after))
        {
            return response.StatusCode = StatusCodes.Status400BadRequest;
        }

        var cache = http.RequestServices.GetRequiredService<IFileCache>();
        FileKey key;
        try
        {
            // The cache's key rules: a path that escapes its project's root, or an unknown project, is refused here.
            key = cache.CreateKey(project, path);
        }
        catch (ArgumentException)
        {
            return response.StatusCode = StatusCodes.Status400BadRequest;
        }

        if (!router.IsOwner(key.Project, key.Path))
        {
            return response.StatusCode = PeerProtocol.NotOwner;
        }

        var token = http.RequestAborted;
        if (router.Cluster is { } cluster && cluster.AppliedSequence < after)
        {
            using var catchUp = new CancellationTokenSource(router.Options.CatchUpTimeout, router.Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, catchUp.Token);
            bool caughtUp;
            try
            {
                caughtUp = await cluster.CatchUpAsync(after, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!token.IsCancellationRequested)
            {
                caughtUp = false;
            }

            if (!caughtUp)
            {
                response.Headers[PeerProtocol.AppliedHeader] = cluster.AppliedSequence.ToString(CultureInfo.InvariantCulture);
                return response.StatusCode = PeerProtocol.Behind;
            }
        }

        CachedFile file;
        try
        {
            Forwarding.Serve();
            file = await cache.ReadAsync(key, token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return response.StatusCode = StatusCodes.Status404NotFound;
        }

        var content = file.Content;
        if (content.Length > router.Options.MaxFileBytes)
        {
            return response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        }

        var version = file.Version;
        UInt128 hash = version.ContentHash ?? XxHash128.HashToUInt128(content.Span);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/octet-stream";
        response.ContentLength = content.Length;
        response.Headers.ETag = PeerProtocol.FormatETag(hash);
        response.Headers[PeerProtocol.LengthHeader] = content.Length.ToString(CultureInfo.InvariantCulture);
        response.Headers[PeerProtocol.LastWriteHeader] = version.LastWriteTimeUtc.UtcTicks.ToString(CultureInfo.InvariantCulture);
        if (router.Cluster is { } member)
        {
            response.Headers[PeerProtocol.AppliedHeader] = member.AppliedSequence.ToString(CultureInfo.InvariantCulture);
        }

        await response.Body.WriteAsync(content, token).ConfigureAwait(false);
        return StatusCodes.Status200OK;
    }
}
