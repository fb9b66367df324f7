namespace FileCache;

/// <summary>The version of a file on disk when its bytes were read: its length and last-write time.</summary>
/// <param name="Length">The file's length in bytes.</param>
/// <param name="LastWriteTimeUtc">The file's last-write time, in UTC.</param>
public readonly record struct FileVersion(long Length, DateTimeOffset LastWriteTimeUtc);
