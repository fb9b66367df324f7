namespace FileCache;

/// <summary>The version of a file on disk when its bytes were read: its length, last-write time and, optionally, a hash of its content.</summary>
/// <param name="Length">The file's length in bytes.</param>
/// <param name="LastWriteTimeUtc">The file's last-write time, in UTC.</param>
/// <param name="ContentHash">
/// A 64-bit hash of the bytes (the first 8 bytes of their SHA-256), when <see cref="Invalidation.InvalidationOptions.ComputeContentHash"/>
/// is on; otherwise <see langword="null"/>.
/// </param>
public readonly record struct FileVersion(long Length, DateTimeOffset LastWriteTimeUtc, ulong? ContentHash = null);
