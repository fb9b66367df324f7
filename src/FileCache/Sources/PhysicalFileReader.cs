using Microsoft.Win32.SafeHandles;

namespace FileCache.Sources;

/// <summary>Reads a whole file from disk together with the version it had while being read.</summary>
internal static class PhysicalFileReader
{
    private const int MaxAttempts = 3;

    /// <summary>
    /// Files up to this length are read on the calling thread, in one system call: for a file in the page cache that
    /// costs less than handing the read to the thread pool and back (measured in <c>MissReadBenchmarks</c>), and it
    /// does not wait for the pool. Longer files are read on the pool, in steps that check the token.
    /// </summary>
    internal const int SyncReadLimit = 1 << 20;

    /// <summary>
    /// Reads <paramref name="fullPath"/>, which must be a regular file: a directory, named pipe, device or socket gets an
    /// <see cref="IOException"/> saying what it is, before it is opened (so a pipe never blocks). The version is taken
    /// before the read (on Linux by the path just before the open, with the inode) and from the open handle after it;
    /// a read during which the file changed (another inode, its length, last-write time, or more or fewer bytes than
    /// its length) is retried, and after <see cref="MaxAttempts"/> such reads an <see cref="IOException"/> reaches the
    /// caller.
    /// </summary>
    /// <param name="fullPath">The file.</param>
    /// <param name="root">The project's root (no link on the way may lead outside it).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <param name="synchronous">Read on the calling thread (the returned task is then complete): for callers that must not wait on the thread pool.</param>
    public static async ValueTask<(byte[] Content, FileVersion Version)> ReadAsync(string fullPath, string root, CancellationToken cancellationToken, bool synchronous = false)
    {
        bool lengthLied = false;
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using SafeFileHandle handle = Open(fullPath, root, synchronous, out var before);
            if (before.Version.Length > Array.MaxLength)
            {
                throw new IOException($"The file '{fullPath}' is {before.Version.Length} bytes long, more than a cached value can hold.");
            }

            byte[] content = before.Version.Length == 0 ? [] : new byte[before.Version.Length];
            var (read, grew) = synchronous || content.Length <= SyncReadLimit
                ? ReadOnThisThread(handle, content, fullPath)
                : await ReadOnPoolAsync(handle, content, cancellationToken).ConfigureAwait(false);
            var after = GetState(handle, fullPath);
            if (read == content.Length && !grew && after == before)
            {
                return (content, before.Version);
            }

            lengthLied = after == before;
        }

        throw lengthLied
            ? new IOException($"The file '{fullPath}' held more or fewer bytes than its length on every read while its version stayed the same: a pseudo-file (such as those under /proc or /sys) is not read.")
            : new FileChangedDuringReadException(fullPath, MaxAttempts);
    }

    /// <summary>Reads the whole file and one probe byte past its end (does the file hold more than its length said?).</summary>
    private static (int Read, bool Grew) ReadOnThisThread(SafeFileHandle handle, byte[] content, string fullPath)
    {
        int read = 0;
        if (LinuxFile.IsSupported)
        {
            while (true)
            {
                int n = LinuxFile.ReadWithProbe(handle, content, read, fullPath, out bool grew);
                read += n;
                if (grew || n == 0 || read == content.Length)
                {
                    return (read, grew);
                }
            }
        }

        while (read < content.Length)
        {
            int n = RandomAccess.Read(handle, content.AsSpan(read), read);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        Span<byte> probe = stackalloc byte[1];
        return (read, RandomAccess.Read(handle, probe, read) != 0);
    }

    private static async ValueTask<(int Read, bool Grew)> ReadOnPoolAsync(SafeFileHandle handle, byte[] content, CancellationToken cancellationToken)
    {
        const int Step = 1 << 20;
        int read = 0;
        while (read < content.Length)
        {
            int n = await RandomAccess.ReadAsync(handle, content.AsMemory(read, Math.Min(Step, content.Length - read)), read, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        byte[] probe = new byte[1];
        return (read, await RandomAccess.ReadAsync(handle, probe, read, cancellationToken).ConfigureAwait(false) != 0);
    }

    /// <summary>Opens the file; <paramref name="before"/> is its state when opened (on Linux, by its path just before the open).</summary>
    private static SafeFileHandle Open(string fullPath, string root, bool synchronous, out LinuxFile.FileState before)
    {
        if (LinuxFile.IsSupported)
        {
            // The kernel keeps the open beneath the root; only a link it cannot vouch for (absolute, or through '..')
            // takes the component-by-component check below.
            if (LinuxFile.TryOpenBeneath(fullPath, root, out before) is { } beneath)
            {
                return beneath;
            }

            EnsureNoLinkLeavesRoot(fullPath, root);
            return LinuxFile.OpenNonBlocking(fullPath, out before);
        }

        try
        {
            EnsureNoLinkLeavesRoot(fullPath, root);
            var options = synchronous ? FileOptions.SequentialScan : FileOptions.Asynchronous | FileOptions.SequentialScan;
            var handle = File.OpenHandle(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, options);
            try
            {
                before = GetState(handle, fullPath);
            }
            catch
            {
                handle.Dispose();
                throw;
            }

            return handle;
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

    /// <summary>The open file's version (with its inode and device on Linux; elsewhere the same handle is compared with itself).</summary>
    private static LinuxFile.FileState GetState(SafeFileHandle handle, string fullPath) => LinuxFile.IsSupported
        ? LinuxFile.GetState(handle, fullPath)
        : new(new FileVersion(RandomAccess.GetLength(handle), new DateTimeOffset(File.GetLastWriteTimeUtc(handle), TimeSpan.Zero)), 0, 0);
}
