using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace FileCache.Cluster;

/// <summary>
/// The self-checking file contents the nodes write: a header line <c>FCV1 {version} {hash}</c> and a body whose
/// XxHash64 is <c>hash</c>. A reader learns the version it got and whether the bytes are intact without asking anyone.
/// </summary>
public static class Payload
{
    private const string Magic = "FCV1 ";

    /// <summary>Builds a payload.</summary>
    /// <param name="path">The file's path (written into the body, so two files never share bytes).</param>
    /// <param name="version">The version.</param>
    /// <param name="writer">Who wrote it.</param>
    /// <param name="size">The body's size in bytes, at least the size of its first line.</param>
    /// <returns>The file's bytes.</returns>
    public static byte[] Create(string path, long version, string writer, int size = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        byte[] first = Encoding.UTF8.GetBytes($"{path} v{version} by {writer}\n");
        byte[] body = new byte[Math.Max(size, first.Length)];
        first.CopyTo(body, 0);
        // Filler that depends on the version: a stale copy differs in more than its header.
        var random = new Random(HashCode.Combine(version, path.Length));
        for (int i = first.Length; i < body.Length; i++)
        {
            body[i] = (byte)('a' + random.Next(26));
        }

        byte[] header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Magic}{version:D20} {XxHash64.HashToUInt64(body):x16}\n"));
        return [.. header, .. body];
    }

    /// <summary>Reads a payload's version and hashes.</summary>
    /// <param name="content">The bytes as read.</param>
    /// <returns>The declared version (-2 when the header is unreadable), the declared hash and the body's actual hash.</returns>
    public static (long Version, string DeclaredHash, string PayloadHash) Inspect(ReadOnlySpan<byte> content)
    {
        const int HeaderLength = 5 + 20 + 1 + 16 + 1;
        if (content.Length < HeaderLength || !content[..5].SequenceEqual(Encoding.ASCII.GetBytes(Magic)))
        {
            return (-2, "unreadable", XxHash64.HashToUInt64(content).ToString("x16", CultureInfo.InvariantCulture));
        }

        string header = Encoding.ASCII.GetString(content[..HeaderLength]);
        long version = long.TryParse(header.AsSpan(5, 20), NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : -2;
        string actual = XxHash64.HashToUInt64(content[HeaderLength..]).ToString("x16", CultureInfo.InvariantCulture);
        return (version, header.Substring(26, 16), actual);
    }

    /// <summary>Reads the version of the payload on disk, directly (not through any cache).</summary>
    /// <param name="file">The file.</param>
    /// <returns>The version, or -1 when the file does not exist.</returns>
    public static long ReadVersionFromDisk(string file)
    {
        try
        {
            return Inspect(File.ReadAllBytes(file)).Version;
        }
        catch (FileNotFoundException)
        {
            return -1;
        }
    }
}
