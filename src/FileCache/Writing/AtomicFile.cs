using System.Security.Cryptography;

namespace FileCache.Writing;

/// <summary>
/// Replaces a file atomically: the bytes go to a temporary file in the same directory (so the rename never crosses a
/// file system), which is optionally forced to the device and then renamed over the target. A reader, or a process
/// killed at any instant, sees the old file or the new one, never a mix. A temporary file may be left behind by a
/// process killed before its rename; its name starts with <see cref="TempPrefix"/>.
/// </summary>
internal static class AtomicFile
{
    /// <summary>The start of every temporary file's name (hidden on Unix).</summary>
    public const string TempPrefix = ".filecache-write-";

    /// <summary>
    /// Tests only: runs after the temporary file is complete and before the conflict check and the rename (a slow or
    /// hung disk). An event, so tests running in parallel add and remove their own handlers without clobbering others'.
    /// </summary>
    internal static event Action<string>? BeforeRename;

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="fullPath"/>. With <paramref name="checkBase"/>, the target's
    /// version is compared with <paramref name="expected"/> just before the rename (null: the file must not exist) and a
    /// <see cref="FileWriteConflictException"/> is thrown instead of replacing a file someone else changed.
    /// </summary>
    /// <returns>The version the file has after the rename (the temporary file's, which the rename keeps).</returns>
    public static FileVersion Write(string fullPath, string root, ReadOnlySpan<byte> content, bool flushToDisk, bool checkBase, FileVersion? expected, ReadOnlyMemory<byte> contentForConflict)
    {
        string directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);
        Sources.PhysicalFileReader.EnsureNoLinkLeavesRoot(fullPath, root);
        string temp = Path.Join(directory, TempPrefix + Path.GetFileName(fullPath) + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        try
        {
            FileVersion version;
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.None))
            {
                stream.Write(content);
                if (flushToDisk)
                {
                    stream.Flush(flushToDisk: true);
                }

                var handle = stream.SafeFileHandle;
                version = new FileVersion(RandomAccess.GetLength(handle), new DateTimeOffset(File.GetLastWriteTimeUtc(handle), TimeSpan.Zero));
            }

            BeforeRename?.Invoke(fullPath);
            if (checkBase)
            {
                // The window between this check and the rename is a few system calls long; a change made inside it
                // is overwritten (no portable API renames over a file only if it is unchanged).
                var found = Stat(fullPath);
                if (found != expected)
                {
                    throw new FileWriteConflictException(fullPath, expected, found, contentForConflict);
                }
            }

            File.Move(temp, fullPath, overwrite: true);
            temp = string.Empty;
            return version;
        }
        finally
        {
            if (temp.Length != 0)
            {
                TryDelete(temp);
            }
        }
    }

    /// <summary>The file's length and last-write time, or null when it does not exist (or is not a regular file).</summary>
    public static FileVersion? Stat(string fullPath)
    {
        var info = new FileInfo(fullPath);
        return info.Exists ? new FileVersion(info.Length, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero)) : null;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
