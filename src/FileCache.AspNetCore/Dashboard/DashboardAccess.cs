using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace FileCache.AspNetCore.Dashboard;

/// <summary>
/// Who may see what. Without an authorization policy on the dashboard's endpoints (<c>RequireAuthorization</c>), only
/// loopback requests are answered, and only read: keys and paths are redacted and actions refused. With one, the
/// authorization middleware has admitted the viewer before any handler runs: keys are shown and actions allowed, each
/// with an antiforgery token.
/// </summary>
internal static class DashboardAccess
{
    /// <summary>A per-process secret: a redacted key is the same within the process (so rows can be told apart) but cannot be guessed from a list of likely paths.</summary>
    private static readonly byte[] RedactionKey = RandomNumberGenerator.GetBytes(32);

    /// <summary>Whether the endpoint carries an authorization requirement (the viewer passed it to get here).</summary>
    public static bool IsAuthorizedViewer(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        return metadata is not null
            && metadata.GetMetadata<IAllowAnonymous>() is null
            && metadata.GetOrderedMetadata<IAuthorizeData>().Count > 0;
    }

    /// <summary>Whether the request came from this machine. A missing address (an in-memory test server, a Unix socket) does not count.</summary>
    public static bool IsLoopback(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address);

    /// <summary>The endpoint filter every dashboard endpoint runs: refuses non-loopback requests unless a policy admitted them.</summary>
    public static async ValueTask<object?> Gate(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        Secure(context.Response);
        if (!IsAuthorizedViewer(context) && !IsLoopback(context))
        {
            return Results.Problem(
                "The FileCache dashboard answers loopback requests only. Map it with RequireAuthorization(policy) to open it to others.",
                statusCode: StatusCodes.Status403Forbidden);
        }

        return await next(invocation).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks that an action may run: the viewer passed an authorization policy and sent a valid antiforgery token.
    /// Returns the refusal, or null to go on.
    /// </summary>
    public static async Task<IResult?> CheckActionAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (!IsAuthorizedViewer(context))
        {
            return Results.Problem(
                "The dashboard is read-only: actions need an authorization policy (map it with RequireAuthorization(policy)).",
                statusCode: StatusCodes.Status403Forbidden);
        }

        try
        {
            await antiforgery.ValidateRequestAsync(context).ConfigureAwait(false);
            return null;
        }
        catch (AntiforgeryValidationException)
        {
            return Results.Problem("The antiforgery token is missing or invalid.", statusCode: StatusCodes.Status400BadRequest);
        }
    }

    /// <summary>A key as shown to a viewer who is not authorised: its project and a keyed hash of the rest.</summary>
    public static string Redact(string project, string key)
    {
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(RedactionKey, Encoding.UTF8.GetBytes(key), hash);
        return project + ":\u2022\u2022\u2022 " + Convert.ToHexStringLower(hash[..4]);
    }

    private static void Secure(HttpResponse response)
    {
        var headers = response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        headers.CacheControl = "no-store";
    }
}
