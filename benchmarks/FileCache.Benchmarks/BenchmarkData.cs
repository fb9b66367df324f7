namespace FileCache.Benchmarks;

/// <summary>Keys and values shared by the benchmark classes.</summary>
internal static class BenchmarkData
{
    /// <summary>The FileCache project every benchmark uses.</summary>
    public const string Project = "bench";

    /// <summary>
    /// A canonical relative path of exactly 48 characters, shaped like a repository file:
    /// <c>src/components/module-0012/file-name-00001234.cs</c>. Distinct for every <paramref name="index"/> below 1,000,000.
    /// </summary>
    public static string PathFor(int index) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"src/components/module-{index / 100 % 10_000:D4}/file-name-{index:D8}.cs");

    /// <summary>Paths 0 to <paramref name="count"/> - 1.</summary>
    public static string[] Paths(int count)
    {
        var paths = new string[count];
        for (int i = 0; i < count; i++)
        {
            paths[i] = PathFor(i);
            if (paths[i].Length != 48)
            {
                throw new InvalidOperationException($"Key '{paths[i]}' is {paths[i].Length} characters, expected 48.");
            }
        }

        return paths;
    }

    /// <summary>Prepared FileCache keys for <paramref name="paths"/>.</summary>
    public static FileKey[] Keys(IFileCache cache, string[] paths)
    {
        var keys = new FileKey[paths.Length];
        for (int i = 0; i < paths.Length; i++)
        {
            keys[i] = cache.CreateKey(Project, paths[i]);
        }

        return keys;
    }

    /// <summary><paramref name="count"/> distinct arrays of <paramref name="length"/> random bytes (fixed seed).</summary>
    public static byte[][] Values(int count, int length)
    {
        var random = new Random(42);
        var values = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            values[i] = new byte[length];
            random.NextBytes(values[i]);
        }

        return values;
    }

    /// <summary>A FileCache with one project and no root directory (it holds values set by the caller).</summary>
    public static IFileCache CreateFileCache(long maxBytes) =>
        FileCacheFactory.Create(new FileCacheOptions { MaxBytes = maxBytes }.AddProject(Project, rootPath: null));
}
