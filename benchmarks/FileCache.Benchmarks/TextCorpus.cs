namespace FileCache.Benchmarks;

/// <summary>
/// The real corpus for the compression benchmarks: every <c>.xml</c>, <c>.json</c>, <c>.props</c> and <c>.targets</c>
/// file under the <c>sdk</c> folder of the .NET install that runs the benchmark (found from the runtime directory,
/// <c>&lt;dotnet root&gt;/shared/Microsoft.NETCore.App/&lt;version&gt;/</c>, as the demo does).
/// </summary>
internal static class TextCorpus
{
    private static readonly string[] Extensions = [".xml", ".json", ".props", ".targets"];

    private static readonly Lazy<(string Root, byte[][] Files)> Loaded = new(Load);

    public static string Root => Loaded.Value.Root;

    public static byte[][] Files => Loaded.Value.Files;

    public static long TotalBytes => Files.Sum(f => (long)f.Length);

    private static (string Root, byte[][] Files) Load()
    {
        string runtimeDir = Path.TrimEndingDirectorySeparator(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory());
        var dotnetRoot = new DirectoryInfo(runtimeDir).Parent?.Parent?.Parent
            ?? throw new InvalidOperationException($"No .NET install folder above '{runtimeDir}'.");
        string sdk = Path.Combine(dotnetRoot.FullName, "sdk");
        string root = Directory.Exists(sdk) ? sdk : dotnetRoot.FullName;
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes)
            .Where(b => b.Length > 0)
            .ToArray();
        if (files.Length == 0)
        {
            throw new InvalidOperationException($"No .xml/.json/.props/.targets files under '{root}'.");
        }

        return (root, files);
    }
}
