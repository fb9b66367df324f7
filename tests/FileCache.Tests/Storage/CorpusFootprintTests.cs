using K4os.Compression.LZ4;
using Xunit.Abstractions;

namespace FileCache.Tests.Storage;

/// <summary>
/// Fills the cache with real source text (this repository's own files and the .NET SDK's shipped .props, .targets,
/// .json and .txt files, read through <see cref="IFileCache.ReadAsync(string, string, CancellationToken)"/>) and
/// compares three figures: the corpus's bytes, the bytes the cache reports, and the heap it really retains. Runs alone
/// (<see cref="MemoryMeasurement"/>), so the retained-heap difference is this test's. The figures it prints are the
/// table in <c>benchmarks/FileCache.Benchmarks/results/footprint.md</c>.
/// </summary>
[Collection(nameof(MemoryMeasurement))]
public class CorpusFootprintTests(ITestOutputHelper output)
{
    private const int MaxFileBytes = 256 * 1024;

    private const int Copies = 4;

    private static readonly string[] Extensions = [".cs", ".md", ".csproj", ".props", ".targets", ".json", ".txt", ".sln", ".yml", ".yaml", ".sh"];

    private static readonly Lazy<Corpus> Files = new(Corpus.Find);

    public static TheoryData<int, LZ4Level> Thresholds => new()
    {
        { 0, LZ4Level.L00_FAST },
        { 1024, LZ4Level.L00_FAST },
        { 256, LZ4Level.L00_FAST },
        { 1024, LZ4Level.L03_HC },
        { 256, LZ4Level.L03_HC },
    };

    /// <summary>Compression off (0) and on from 1 KiB and from 256 bytes, with the fast and a high-compression encoder.</summary>
    [Theory]
    [MemberData(nameof(Thresholds))]
    public async Task RetainedHeap_IsWhatTheCacheReports_OnRealSourceFiles(int threshold, LZ4Level level)
    {
        var corpus = Files.Value;
        Assert.True(corpus.Count >= 1000, $"only {corpus.Count} corpus files were found");

        // A first fill warms everything that is not per entry: JIT, static caches, and the shared array pool that
        // lends the LZ4 scratch buffers (its retention is the hardening issue's; it is in both readings here).
        // Loads complete on thread-pool threads, and the pool's per-thread buffers differ from one fill to the next,
        // so the least of three fills is the one the pool's growth did not pollute.
        await FillAsync(corpus, threshold, level, keep: false);
        long retained = long.MaxValue;
        long reported = 0;
        long entries = 0;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long before = GC.GetTotalMemory(forceFullCollection: true);
            var cache = await FillAsync(corpus, threshold, level, keep: true);
            long after = GC.GetTotalMemory(forceFullCollection: true);
            reported = cache!.GetStatistics().Total.Bytes;
            entries = cache.GetStatistics().Total.Entries;
            GC.KeepAlive(cache);
            cache.Dispose();
            retained = Math.Min(retained, after - before);
        }

        long payload = corpus.StoredPayload(threshold, level);
        double retainedPerReported = retained / (double)reported;
        double overheadRetained = (retained - payload) / (double)entries;
        double overheadReported = (reported - payload) / (double)entries;
        output.WriteLine(
            $"| {(threshold == 0 ? "off" : $"LZ4 {(level == LZ4Level.L00_FAST ? "fast" : level.ToString())} from {threshold} B")} | {corpus.Count} files, {corpus.Bytes / 1e6:F2} MB | "
            + $"{reported / (double)corpus.Bytes:F3} | {retained / (double)corpus.Bytes:F3} | {retainedPerReported:F3} | "
            + $"{overheadRetained:F0} B | {overheadReported:F0} B |");

        Assert.Equal(corpus.Count, entries);
        Assert.InRange(retainedPerReported, 0.90, 1.05);
    }

    private static async Task<IFileCache?> FillAsync(Corpus corpus, int threshold, LZ4Level level, bool keep)
    {
        var options = new FileCacheOptions
        {
            MaxBytes = 1L << 40,
            Memory = { AdaptToPressure = false },
            Compression = { ThresholdBytes = threshold == 0 ? null : threshold, Level = level },
        };

        // No watcher: its per-directory state is a cost of the project's tree (thousands of SDK directories here), not
        // of the entries measured.
        options.Invalidation.Mode = FileCache.Invalidation.ValidationMode.None;
        foreach (var (project, root) in corpus.Roots)
        {
            options.AddProject(project, root);
        }

        var cache = FileCacheFactory.Create(options);
        foreach (var (project, path) in corpus.Paths)
        {
            // A copy of the path, so the cache holds its own string (as it would for a caller's fresh one).
            _ = await cache.ReadAsync(project, new string(path.AsSpan()));
        }

        if (keep)
        {
            return cache;
        }

        cache.Dispose();
        return null;
    }

    private sealed class Corpus
    {
        public List<(string Project, string Root)> Roots { get; } = [];

        public List<(string Project, string Path)> Paths { get; } = [];

        private List<byte[]> Contents { get; } = [];

        public int Count => Paths.Count;

        public long Bytes { get; private set; }

        /// <summary>The bytes of content or LZ4 block the cache keeps, by the rule it applies (at least 25 % saved).</summary>
        public long StoredPayload(int threshold, LZ4Level level)
        {
            long total = 0;
            foreach (byte[] content in Contents)
            {
                if (threshold == 0 || content.Length < threshold)
                {
                    total += content.Length;
                    continue;
                }

                byte[] block = new byte[LZ4Codec.MaximumOutputSize(content.Length)];
                int encoded = LZ4Codec.Encode(content, block, level);
                total += encoded > 0 && encoded <= (int)(content.Length * 0.75) ? encoded : content.Length;
            }

            return total;
        }

        public static Corpus Find()
        {
            var corpus = new Corpus();
            string? repo = AppContext.BaseDirectory;
            while (repo is not null && !File.Exists(Path.Combine(repo, "FileCache.sln")))
            {
                repo = Path.GetDirectoryName(repo);
            }

            // The runtime lives in <dotnet>/shared/Microsoft.NETCore.App/<version>/; the SDK's files in <dotnet>/sdk.
            string? dotnet = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(typeof(object).Assembly.Location))));

            // Each tree is registered as four projects (as an IDE holds several checkouts), so a few thousand entries
            // make the figures, not the fixed costs of a project.
            for (int copy = 0; copy < Copies; copy++)
            {
                if (repo is not null)
                {
                    corpus.Add($"repo{copy}", repo, repo);
                }

                if (dotnet is not null && Directory.Exists(Path.Combine(dotnet, "sdk")))
                {
                    foreach (string sdk in Directory.EnumerateDirectories(Path.Combine(dotnet, "sdk")).Order(StringComparer.Ordinal))
                    {
                        corpus.Add($"sdk{copy}-{Path.GetFileName(sdk)}", sdk, sdk);
                    }
                }
            }

            return corpus;
        }

        private void Add(string project, string root, string directory)
        {
            Roots.Add((project, root));
            var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
            foreach (string file in Directory.EnumerateFiles(directory, "*", options).Order(StringComparer.Ordinal))
            {
                string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
                if (!Extensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase)
                    || relative.Split('/').Any(s => s is "bin" or "obj" or ".git" or "BenchmarkDotNet.Artifacts" or "TestResults"))
                {
                    continue;
                }

                byte[] content = File.ReadAllBytes(file);
                if (content.Length == 0 || content.Length > MaxFileBytes)
                {
                    continue;
                }

                Paths.Add((project, relative));
                Contents.Add(content);
                Bytes += content.Length;
            }
        }
    }
}
