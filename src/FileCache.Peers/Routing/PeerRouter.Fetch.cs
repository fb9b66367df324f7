using System.Globalization;
using System.IO.Hashing;
using System.Net;
using FileCache.Loading;
using FileCache.Peers.Security;
using FileCache.Peers.Telemetry;
using FileCache.Sources;

namespace FileCache.Peers.Routing;

/// <summary>
/// The load stage: a miss of a key this node does not own asks one owner, with this node's applied sequence as the
/// watermark, and takes its answer only if the bytes match their hash (the ETag) and the local source's version probe
/// shows the version the owner sent. Anything else (no owner, an open circuit, a timeout, a refusal, a bad answer) loads
/// locally: routing is a hint, never a source of stale or corrupt data.
/// </summary>
internal sealed partial class PeerRouter
{
    /// <summary>The origin the stage gives the results it serves.</summary>
    public const string Origin = "peer";

    private async ValueTask RunAsync(FileLoadContext context, FileLoadHandler next)
    {
        if (Forwarding.IsServing)
        {
            // One hop: a load run for a peer is never forwarded again.
            Metrics.Owned();
            await next(context).ConfigureAwait(false);
            return;
        }

        var owner = PickOwner(context.Project, context.Path);
        if (owner is null)
        {
            Metrics.Owned();
            await next(context).ConfigureAwait(false);
            return;
        }

        var breaker = BreakerOf(owner);
        if (!breaker.TryEnter())
        {
            Interlocked.Increment(ref Metrics.CircuitSkips);
            Metrics.Fallback();
            await next(context).ConfigureAwait(false);
            return;
        }

        Interlocked.Increment(ref Metrics.Forwarded);
        if (await FetchAsync(context, owner, breaker).ConfigureAwait(false))
        {
            Metrics.Hit();
            return;
        }

        Metrics.Fallback();
        await next(context).ConfigureAwait(false);
    }

    private PeerNode? PickOwner(string project, string path)
    {
        var view = CurrentView();
        int index = OwnerIndex(view, PeerPlacement.HashKey(project, path), out _);
        return index < 0 ? null : view.Placement[index];
    }

    /// <summary>Asks <paramref name="owner"/>; true when the context holds its checked answer.</summary>
    private async ValueTask<bool> FetchAsync(FileLoadContext context, PeerNode owner, CircuitBreaker breaker)
    {
        long started = _time.GetTimestamp();
        string result = "error";
        using var activity = PeerMetrics.Source.StartActivity(PeerTelemetry.FetchActivity);
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, timeout.Token);
        try
        {
            long after = Cluster?.AppliedSequence ?? 0;
            using var request = CreateRequest(owner, context.Project, context.Path, after);
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            switch ((int)response.StatusCode)
            {
                case (int)HttpStatusCode.OK:
                    break;
                case PeerProtocol.Behind:
                    // Routing is a hint: the owner has not applied an invalidation this node has; never take its bytes.
                    Interlocked.Increment(ref Metrics.OwnerBehind);
                    breaker.Succeeded();
                    result = "behind";
                    return false;
                case >= 500:
                    Failed(breaker, owner, null, "status " + (int)response.StatusCode);
                    return false;
                default:
                    // Not the owner in its view, not found, too large, refused: an answer, not a failure of the owner.
                    breaker.Succeeded();
                    result = "refused";
                    return false;
            }

            if (!TryReadVersion(response, out var hash, out long length, out long ticks) || length > _options.MaxFileBytes)
            {
                Failed(breaker, owner, null, "malformed answer");
                return false;
            }

            byte[] bytes = new byte[length];
            var body = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                int read = await body.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, linked.Token).ConfigureAwait(false);
                Span<byte> extra = stackalloc byte[1];
                if (read != bytes.Length || body.Read(extra) != 0 || XxHash128.HashToUInt128(bytes) != hash)
                {
                    // Integrity: bytes that fail their hash (or their length) are never served; the file is loaded locally.
                    Metrics.HashRejected();
                    PeerLog.HashRejected(Logger, owner.Id, context.Project, context.Path);
                    breaker.Failed();
                    result = "corrupt";
                    return false;
                }
            }

            breaker.Succeeded();
            var version = new FileVersion(length, new DateTimeOffset(ticks, TimeSpan.Zero), hash);
            if (!await MatchesSourceAsync(context, version).ConfigureAwait(false))
            {
                Interlocked.Increment(ref Metrics.VersionRejections);
                result = "version";
                return false;
            }

            context.SetResult(bytes, version, Location(context), Origin);
            if (Mirror.ShouldKeep(context.Key, PeerPlacement.HashKey(context.Project, context.Path), bytes.Length))
            {
                Interlocked.Increment(ref Metrics.Mirrored);
            }
            else
            {
                // Served to this load's callers, not kept: the owner holds it (each byte has one home unless hot).
                context.CacheResult = false;
                Interlocked.Increment(ref Metrics.NotMirrored);
            }

            result = "hit";
            return true;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            result = "cancelled";
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            Failed(breaker, owner, ex, timeout.IsCancellationRequested ? "timeout" : ex.GetType().Name);
            result = timeout.IsCancellationRequested ? "timeout" : "error";
            return false;
        }
        finally
        {
            activity?.SetTag("filecache.peers.owner", owner.Id);
            activity?.SetTag("filecache.peers.result", result);
            Metrics.Call(_time.GetElapsedTime(started), result);
        }
    }

    private HttpRequestMessage CreateRequest(PeerNode owner, string project, string path, long after)
    {
        string base_ = owner.Address.GetLeftPart(UriPartial.Path).TrimEnd('/');
        var uri = new Uri(string.Create(CultureInfo.InvariantCulture,
            $"{base_}{_prefix}{PeerProtocol.FilePath}?project={Uri.EscapeDataString(project)}&path={Uri.EscapeDataString(path)}&after={after}"));
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        string caller = NodeId;
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        request.Headers.TryAddWithoutValidation(PeerSigner.CallerHeader, caller);
        request.Headers.TryAddWithoutValidation(PeerSigner.TimeHeader, now.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(PeerSigner.SignatureHeader, Signer.Sign("GET", uri.PathAndQuery, caller, now));
        return request;
    }

    private static bool TryReadVersion(HttpResponseMessage response, out UInt128 hash, out long length, out long ticks)
    {
        length = ticks = 0;
        hash = default;
        return PeerProtocol.TryParseETag(response.Headers.ETag?.ToString(), out hash)
            && response.Headers.TryGetValues(PeerProtocol.LengthHeader, out var lengths)
            && long.TryParse(lengths.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out length)
            && response.Headers.TryGetValues(PeerProtocol.LastWriteHeader, out var writes)
            && long.TryParse(writes.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out ticks)
            && ticks <= DateTimeOffset.MaxValue.UtcTicks;
    }

    /// <summary>
    /// The local source's version now (a probe, not a read) must be the one the owner sent: an owner whose copy predates a
    /// change this node can see (a lag on the log, a change nobody observed yet) is never believed.
    /// </summary>
    private static async ValueTask<bool> MatchesSourceAsync(FileLoadContext context, FileVersion version)
    {
        if (context.ExpectedVersion is { ContentHash: { } expected } && expected != version.ContentHash)
        {
            return false;
        }

        var current = await context.Source.GetVersionAsync(context.Path, context.CancellationToken).ConfigureAwait(false);
        return current is { } probe && probe.Length == version.Length && probe.LastWriteTimeUtc.UtcTicks == version.LastWriteTimeUtc.UtcTicks;
    }

    private void Failed(CircuitBreaker breaker, PeerNode owner, Exception? exception, string reason)
    {
        PeerLog.CallFailed(Logger, exception, owner.Id, reason);
        if (breaker.Failed())
        {
            PeerLog.CircuitOpened(Logger, owner.Id, _options.BreakerFailureThreshold);
        }
    }

    private static string Location(FileLoadContext context) =>
        context.Source is PhysicalFileSource physical ? Path.Join(physical.Root, context.Path) : context.Path;
}
