using System.IO.Enumeration;

namespace FileCache.Demo;

/// <summary>The files the demo reads: found under a root, in a deterministic order.</summary>
internal sealed class WorkingSet
{
    /// <summary>Files larger than this are skipped: the demo is about many small and medium files.</summary>
    public const long MaxFileBytes = 4L * 1024 * 1024;

    /// <summary>At most this many files are used; a larger tree is sampled evenly across its sorted paths.</summary>
    public const int MaxFiles = 4000;

    private WorkingSet(string root, IReadOnlyList<(string Path, long Length)> files, int found, int tooLarge)
    {
        Root = root;
        Files = files;
        Found = found;
        TooLarge = tooLarge;
        TotalBytes = files.Sum(f => f.Length);
    }

    public string Root { get; }

    /// <summary>Paths relative to <see cref="Root"/> (with <c>/</c>), and lengths, in ordinal path order.</summary>
    public IReadOnlyList<(string Path, long Length)> Files { get; }

    public long TotalBytes { get; }

    /// <summary>Regular files found under the root.</summary>
    public int Found { get; }

    /// <summary>Files skipped for being larger than <see cref="MaxFileBytes"/>.</summary>
    public int TooLarge { get; }

    /// <summary>
    /// The .NET install folder of the running runtime: the runtime directory is
    /// <c>&lt;dotnet root&gt;/shared/Microsoft.NETCore.App/&lt;version&gt;/</c>, so the root is three levels up.
    /// Falls back to the runtime directory itself (e.g. a self-contained app), then to the app's own folder.
    /// </summary>
    public static (string Root, string Description) FindDotnetRoot()
    {
        string runtimeDir = Path.TrimEndingDirectorySeparator(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory());
        var dir = new DirectoryInfo(runtimeDir);
        var dotnetRoot = dir.Parent?.Parent?.Parent;
        if (dotnetRoot is not null
            && string.Equals(dir.Parent!.Parent!.Name, "shared", StringComparison.OrdinalIgnoreCase)
            && dotnetRoot.Exists)
        {
            return (dotnetRoot.FullName, "the .NET install folder of the running runtime");
        }

        if (dir.Exists)
        {
            return (dir.FullName, "the running runtime's directory (no .NET install folder above it)");
        }

        return (Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), "the demo's own folder (the runtime directory was not found)");
    }

    /// <summary>Lists regular files under <paramref name="root"/>; skips links, hidden/system files and unreadable folders.</summary>
    public static WorkingSet Load(string root)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            // Links may point outside the root (the cache refuses those) or loop: skip them.
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System | FileAttributes.ReparsePoint,
        };
        var all = new FileSystemEnumerable<(string Path, long Length)>(
            root,
            (ref FileSystemEntry entry) => (entry.ToFullPath(), entry.Length),
            options)
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) => !entry.IsDirectory,
        };

        var fitting = new List<(string Path, long Length)>();
        int found = 0, tooLarge = 0;
        foreach (var (fullPath, length) in all)
        {
            found++;
            if (length > MaxFileBytes)
            {
                tooLarge++;
                continue;
            }

            fitting.Add((Path.GetRelativePath(root, fullPath).Replace('\\', '/'), length));
        }

        fitting.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        var files = fitting;
        if (fitting.Count > MaxFiles)
        {
            // Every k-th file of the sorted list: deterministic, and spread over the whole tree.
            files = new List<(string Path, long Length)>(MaxFiles);
            for (int i = 0; i < MaxFiles; i++)
            {
                files.Add(fitting[(int)((long)i * fitting.Count / MaxFiles)]);
            }
        }

        return new WorkingSet(root, files, found, tooLarge);
    }
}
