using Microsoft.Win32.SafeHandles;

namespace FileCache.Sources;

/// <summary>Reads a whole file from disk together with the version it had while being read.</summary>
internal static class PhysicalFileReader
{
    private const int MaxAttempts = 3;

    /// <summary>
    /// Reads <paramref name="fullPath"/>. The version is taken from the open handle before and after the read; a
    /// read during which the file changed (its length, last-write time, or more or fewer bytes than its length)
    /// is retried, and after <see cref="MaxAttempts"/> such reads an <see cref="IOException"/> reaches the caller.
    /// </summary>
    /// <param name="fullPath">The file.</param>
    /// <param name="root">The project's root (no link on the way may lead outside it).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <param name="synchronous">Read on the calling thread (the returned task is then complete): for callers that must not wait on the thread pool.</param>
    public static async ValueTask<(byte[] Content, FileVersion Version)> ReadAsync(string fullPath, string root, CancellationToken cancellationToken, bool synchronous = false)
    {
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using SafeFileHandle handle = Open(fullPath, root, synchronous);
            var before = GetVersion(handle);
            if (before.Length > Array.MaxLength)
            {
                throw new IOException($"The file '{fullPath}' is {before.Length} bytes long, more than a cached value can hold.");
            }

            byte[] content = before.Length == 0 ? [] : new byte[before.Length];
            int read = 0;
            while (read < content.Length)
            {
                int n = synchronous
                    ? RandomAccess.Read(handle, content.AsSpan(read), read)
                    : await RandomAccess.ReadAsync(handle, content.AsMemory(read), read, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            // One probe past the end tells whether the file grew while we read it.
            byte[] probe = new byte[1];
            int extra = synchronous
                ? RandomAccess.Read(handle, probe, read)
                : await RandomAccess.ReadAsync(handle, probe, read, cancellationToken).ConfigureAwait(false);
            var after = GetVersion(handle);
            if (read == content.Length && extra == 0 && after == before)
            {
                return (content, before);
            }
        }

        throw new IOException($"The file '{fullPath}' kept changing while it was read ({MaxAttempts} attempts).");
    }

    private static SafeFileHandle Open(string fullPath, string root, bool synchronous)
    {
        try
        {
            EnsureNoLinkLeavesRoot(fullPath, root);
            var options = synchronous ? FileOptions.SequentialScan : FileOptions.Asynchronous | FileOptions.SequentialScan;
            return File.OpenHandle(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, options);
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(fullPath))
        {
            throw new IOException($"The path '{fullPath}' is a directory, not a file.");
        }
        catch (DirectoryNotFoundException ex)
        {
            // A missing directory on the way is a missing file to the caller: one documented exception.
            throw new FileNotFoundException($"Could not find file '{fullPath}'.", fullPath, ex);
        }
    }

    /// <summary>
    /// Refuses a path any of whose components under the root (a directory on the way or the file itself) is a
    /// symbolic link that resolves outside the root. Checked on every read from disk (a miss), never on a hit.
    /// </summary>
    internal static void EnsureNoLinkLeavesRoot(string fullPath, string root)
    {
        string prefix = root.EndsWith('/') ? root : root + "/";
        string? realRoot = null;
        int index = prefix.Length;
        while (index <= fullPath.Length)
        {
            int slash = fullPath.IndexOf('/', index);
            int end = slash < 0 ? fullPath.Length : slash;
            string component = fullPath[..end];
            FileSystemInfo info = slash < 0 ? new FileInfo(component) : new DirectoryInfo(component);
            if (info.LinkTarget is not null)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                string resolved = target is null ? component : Keys.PathNormalizer.NormalizeRoot(target.FullName);

                // The root itself may be reached through a link (e.g. /tmp -> /private/tmp): accept its real path too.
                realRoot ??= RealPathOf(root);
                if (!IsUnder(resolved, prefix) && !IsUnder(resolved, realRoot.EndsWith('/') ? realRoot : realRoot + "/"))
                {
                    throw new UnauthorizedAccessException($"The path '{fullPath}' goes through the link '{component}' to '{resolved}', outside the project's root directory.");
                }
            }

            if (slash < 0)
            {
                return;
            }

            index = slash + 1;
        }
    }

    private static bool IsUnder(string path, string prefix) => path.StartsWith(prefix, StringComparison.Ordinal);

    private static string RealPathOf(string directory)
    {
        var target = new DirectoryInfo(directory).ResolveLinkTarget(returnFinalTarget: true);
        return target is null ? directory : Keys.PathNormalizer.NormalizeRoot(target.FullName);
    }

    private static FileVersion GetVersion(SafeFileHandle handle) =>
        new(RandomAccess.GetLength(handle), new DateTimeOffset(File.GetLastWriteTimeUtc(handle), TimeSpan.Zero));
}
