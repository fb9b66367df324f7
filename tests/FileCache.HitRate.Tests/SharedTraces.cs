using System.Collections.Concurrent;

namespace FileCache.HitRate.Tests;

/// <summary>
/// The shared trace folder, <c>&lt;repo&gt;/../shared/traces</c>: found by walking up from the test binaries to the folder
/// holding FileCache.sln (and, when the binaries were built to an artifacts path outside the repo, from the repo root
/// recorded at build time). Traces are parsed once per test run.
/// </summary>
internal static class SharedTraces
{
    private static readonly Lazy<(string? Path, string Tried)> Located = new(() =>
    {
        string? path = RepoLocator.FindTracesDirectory([AppContext.BaseDirectory], out string tried);
        return (path, tried);
    });

    private static readonly ConcurrentDictionary<string, Lazy<AccessTrace>> Loaded = new(StringComparer.Ordinal);

    private static readonly Lazy<IReadOnlyList<PublishedRatio>> PublishedRows = new(() => PublishedRatios.Load(Path.Combine(Directory, PublishedRatios.FileName)));

    public static string Directory
    {
        get
        {
            var (path, tried) = Located.Value;
            if (path is null)
            {
                Assert.Fail($"The shared traces folder <repo>/../shared/traces was not found (walked up from '{AppContext.BaseDirectory}' to {RepoLocator.SolutionFile}: {tried}). The hit-rate tests need it; CI provides it.");
            }

            return path;
        }
    }

    public static IReadOnlyList<PublishedRatio> Published => PublishedRows.Value;

    public static AccessTrace Get(string name)
    {
        string file = Path.Combine(Directory, name + ".txt");
        Assert.True(File.Exists(file), $"Trace '{file}' is missing from the shared traces folder.");
        return Loaded.GetOrAdd(name, n => new Lazy<AccessTrace>(() => AccessTrace.Load(file))).Value;
    }
}
