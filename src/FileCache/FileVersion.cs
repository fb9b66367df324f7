namespace FileCache;

/// <summary>The version of a file when its bytes were read: its length, last-write time and, optionally, a hash of its content.</summary>
/// <param name="Length">The file's length in bytes.</param>
/// <param name="LastWriteTimeUtc">The file's last-write time, in UTC.</param>
/// <param name="ContentHash">
/// A 128-bit hash of the bytes (XxHash128 from <c>System.IO.Hashing</c>, seed 0), when
/// <see cref="Invalidation.InvalidationOptions.ComputeContentHash"/> is on or the source supplied one; otherwise
/// <see langword="null"/>. Other nodes and second-level caches identify a version by it. It is not a cryptographic
/// hash: it detects change and corruption, not a forgery (see <c>Internal/readme.md</c>).
/// </param>
public readonly record struct FileVersion(long Length, DateTimeOffset LastWriteTimeUtc, UInt128? ContentHash = null);
