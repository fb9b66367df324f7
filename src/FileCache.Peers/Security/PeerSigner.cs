using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FileCache.Peers.Security;

/// <summary>
/// HMAC-SHA256 over a peer request: method, path and query (as sent), the caller's id and the time (Unix milliseconds),
/// one per line, under the shared key. The receiver recomputes it, compares in constant time, and refuses a time further
/// than <see cref="PeerOptions.MaxRequestAge"/> from its clock (a captured request cannot be replayed for long).
/// </summary>
internal sealed class PeerSigner
{
    /// <summary>The header carrying the signature.</summary>
    public const string SignatureHeader = "X-FileCache-Signature";

    /// <summary>The header carrying the caller's id.</summary>
    public const string CallerHeader = "X-FileCache-Peer";

    /// <summary>The header carrying the time the request was signed (Unix milliseconds).</summary>
    public const string TimeHeader = "X-FileCache-Time";

    private readonly byte[] _key;
    private readonly long _maxAgeMs;

    public PeerSigner(byte[] key, TimeSpan maxAge)
    {
        _key = [.. key];
        _maxAgeMs = (long)maxAge.TotalMilliseconds;
    }

    public string Sign(string method, string pathAndQuery, string caller, long unixMs)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Compute(method, pathAndQuery, caller, unixMs, mac);
        return Convert.ToBase64String(mac);
    }

    public bool Verify(string method, string pathAndQuery, string? caller, string? time, string? signature, long nowUnixMs)
    {
        if (string.IsNullOrEmpty(caller) || signature is null
            || !long.TryParse(time, NumberStyles.None, CultureInfo.InvariantCulture, out long unixMs)
            || Math.Abs(nowUnixMs - unixMs) > _maxAgeMs)
        {
            return false;
        }

        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (!Convert.TryFromBase64String(signature, given, out int length) || length != given.Length)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Compute(method, pathAndQuery, caller, unixMs, expected);
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    private void Compute(string method, string pathAndQuery, string caller, long unixMs, Span<byte> mac)
    {
        string text = string.Create(CultureInfo.InvariantCulture, $"{method}\n{pathAndQuery}\n{caller}\n{unixMs}");
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(text), mac);
    }
}
