namespace FileCache.Sources;

/// <summary>Compares a file on disk with a cached version, by one stat call.</summary>
internal static class FileStat
{
    /// <summary>True when the file exists with the version's length and last-write time.</summary>
    public static bool Matches(string fullPath, FileVersion version)
    {
        try
        {
            var info = new FileInfo(fullPath);
            return info.Exists
                && info.Length == version.Length
                && info.LastWriteTimeUtc == version.LastWriteTimeUtc.UtcDateTime;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The file's version by one stat call, or null when no file exists there (a directory is no file).</summary>
    public static FileVersion? Probe(string fullPath)
    {
        var info = new FileInfo(fullPath);
        return info.Exists ? new FileVersion(info.Length, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero)) : null;
    }

    /// <summary>
    /// True when the file was last written so close to (or after) when it was read that a further write within the
    /// file system's timestamp resolution could leave its length and last-write time unchanged.
    /// </summary>
    public static bool IsRacy(FileVersion version, DateTimeOffset readAt) =>
        version.LastWriteTimeUtc.UtcTicks >= readAt.UtcTicks - Invalidation.InvalidationRuntime.RacyWindow.Ticks;
}
