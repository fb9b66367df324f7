namespace FileCache.Sources;

/// <summary>
/// A file changed under every attempt to read it. Internal: callers see an <see cref="IOException"/>. The type lets
/// the single-flight path tell this failure apart, because it belongs to the read, not to the file: a caller who joined
/// the read after it started may have begun after the last write, and is given a fresh read instead.
/// </summary>
internal sealed class FileChangedDuringReadException : IOException
{
    public FileChangedDuringReadException(string fullPath, int attempts)
        : base($"The file '{fullPath}' kept changing while it was read ({attempts} attempts).")
    {
    }
}
