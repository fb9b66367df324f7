using System.Globalization;

namespace FileCache.Peers.Routing;

/// <summary>
/// The wire format of a peer call: <c>GET {prefix}/file?project=P&amp;path=F&amp;after=S</c>, signed (see
/// <see cref="Security.PeerSigner"/>). <c>after</c> is the caller's applied sequence on the invalidation log: the owner
/// serves only once it has applied as much. The answer's body is the file's bytes; its <c>ETag</c> is their XxHash128 (32
/// hex digits, quoted), which the caller checks; the version travels in headers.
/// </summary>
internal static class PeerProtocol
{
    public const string FilePath = "/file";
    public const string LengthHeader = "X-FileCache-Length";
    public const string LastWriteHeader = "X-FileCache-LastWrite";
    public const string AppliedHeader = "X-FileCache-Applied";

    /// <summary>The owner has not applied the caller's sequence (and could not catch up in time).</summary>
    public const int Behind = 409;

    /// <summary>The receiver does not own the key in its view (so it does not load it for a peer).</summary>
    public const int NotOwner = 421;

    public static string FormatETag(UInt128 hash) => string.Create(CultureInfo.InvariantCulture, $"\"{hash:x32}\"");

    public static bool TryParseETag(string? etag, out UInt128 hash)
    {
        hash = default;
        return etag is { Length: 34 } && etag[0] == '"' && etag[^1] == '"'
            && UInt128.TryParse(etag.AsSpan(1, 32), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out hash);
    }
}

/// <summary>
/// Marks the flow of a load run for a peer (set by the endpoint around its read): the peer stage never forwards such a
/// load again, so a request makes at most one hop and owners never call each other in a loop.
/// </summary>
internal static class Forwarding
{
    private static readonly AsyncLocal<bool> s_serving = new();

    public static bool IsServing => s_serving.Value;

    public static void Serve() => s_serving.Value = true;
}
