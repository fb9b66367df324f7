using System.IO.Hashing;

namespace FileCache.Sources;

/// <summary>
/// The optional content hash of a file version: XxHash128 (seed 0) of the bytes. Fast (several GB/s, no allocation)
/// and wide enough that two versions of the files of any realistic fleet do not collide by chance; not a defence against
/// someone who crafts collisions on purpose (see <c>Internal/readme.md</c>).
/// </summary>
internal static class ContentHasher
{
    public static UInt128 Hash(ReadOnlySpan<byte> content) => XxHash128.HashToUInt128(content);
}
