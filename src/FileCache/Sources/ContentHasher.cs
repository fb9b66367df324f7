using System.Buffers.Binary;
using System.Security.Cryptography;

namespace FileCache.Sources;

/// <summary>The optional content hash of a file version: the first 8 bytes of SHA-256 (hardware-accelerated, in the BCL; no dependency).</summary>
internal static class ContentHasher
{
    public static ulong Hash(ReadOnlySpan<byte> content)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(content, digest);
        return BinaryPrimitives.ReadUInt64LittleEndian(digest);
    }
}
