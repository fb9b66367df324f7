using System.Reflection;

namespace FileCache.HitRate;

/// <summary>Finds the shared traces folder: <c>&lt;repo&gt;/../shared/traces</c>, the repo being the folder that holds FileCache.sln.</summary>
internal static class RepoLocator
{
    public const string SolutionFile = "FileCache.sln";

    /// <summary>The repo root this assembly was built from (MSBuild stamps it), used when the binaries live outside the repo
    /// (e.g. <c>--artifacts-path /tmp/...</c>) and so cannot be walked up from.</summary>
    public static string? BuildTimeRepoRoot =>
        typeof(RepoLocator).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepoRoot")?.Value;

    /// <summary>The nearest folder at or above <paramref name="start"/> that contains FileCache.sln, or null.</summary>
    public static string? FindRepoRoot(string? start)
    {
        for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    /// <summary>
    /// Walks up from each start in turn (then tries the build-time repo root) to a folder with FileCache.sln and returns
    /// its <c>../shared/traces</c> if that exists. Otherwise null, with <paramref name="tried"/> saying what was looked at.
    /// </summary>
    public static string? FindTracesDirectory(IEnumerable<string?> starts, out string tried)
    {
        var attempts = new List<string>();
        foreach (string? start in starts.Append(BuildTimeRepoRoot))
        {
            if (string.IsNullOrEmpty(start))
            {
                continue;
            }

            string? root = FindRepoRoot(start);
            if (root is null)
            {
                attempts.Add($"no {SolutionFile} at or above '{start}'");
                continue;
            }

            string traces = Path.GetFullPath(Path.Combine(root, "..", "shared", "traces"));
            if (Directory.Exists(traces))
            {
                tried = string.Join("; ", attempts);
                return traces;
            }

            attempts.Add($"repo '{root}' has no '{traces}'");
        }

        tried = string.Join("; ", attempts);
        return null;
    }
}
