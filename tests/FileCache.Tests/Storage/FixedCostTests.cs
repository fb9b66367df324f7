using Xunit.Abstractions;

namespace FileCache.Tests.Storage;

/// <summary>
/// What a cache holds before it holds anything: the heap a freshly created cache retains with one project and with
/// eight, no file read. Every entry of a small cache pays its share of this (on the corpus of
/// <see cref="CorpusFootprintTests"/>, 3,380 files, each 185 KB was 55 B per entry), so its bounds are asserted here and
/// it cannot silently drift again. Runs alone (<see cref="MemoryMeasurement"/>), so the retained-heap difference is
/// this test's. The test method is synchronous on purpose: an async method's locals are fields of its state machine
/// and would stay alive across the measurement.
/// </summary>
[Collection(nameof(MemoryMeasurement))]
public sealed class FixedCostTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Upper bound for a cache with one project (measured 26 KB after the cuts, 113 KB before).</summary>
    private const long OneProjectBound = 40 * 1024;

    /// <summary>Upper bound for each project beyond the first (measured 2.4 KB after the cuts, 6.5 KB before).</summary>
    private const long ExtraProjectBound = 4 * 1024;

    private readonly string _root = Directory.CreateTempSubdirectory("fc-fixed-").FullName;

    [Fact]
    public void EmptyCache_RetainsAFewKilobytes_AndLittleMorePerProject()
    {
        File.WriteAllText(Path.Combine(_root, "a.txt"), "x");

        // Warm-up: JIT, static caches, the meter's and the timer queue's first growth are not the cache's.
        Retained(1);
        Retained(8);

        long one = Retained(1);
        long eight = Retained(8);
        double perProject = (eight - one) / 7.0;
        output.WriteLine($"empty cache: 1 project {one:N0} B, 8 projects {eight:N0} B, {perProject:N0} B per extra project");

        Assert.True(one <= OneProjectBound, $"an empty cache with one project retains {one:N0} B; the bound is {OneProjectBound:N0}");
        Assert.True(perProject <= ExtraProjectBound, $"each extra project of an empty cache retains {perProject:N0} B; the bound is {ExtraProjectBound:N0}");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>The least of three measurements of the heap a new cache with <paramref name="projects"/> projects retains.</summary>
    private long Retained(int projects)
    {
        long least = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            // The options are the caller's, made before the measured window (as the corpus test's are).
            var options = new FileCacheOptions { MaxBytes = 1L << 40, Memory = { AdaptToPressure = false } };
            options.Invalidation.Mode = FileCache.Invalidation.ValidationMode.None;
            for (int p = 0; p < projects; p++)
            {
                options.AddProject("p" + p, _root);
            }

            long before = GC.GetTotalMemory(forceFullCollection: true);
            var cache = FileCacheFactory.Create(options);
            long after = GC.GetTotalMemory(forceFullCollection: true);
            GC.KeepAlive(cache);
            cache.Dispose();
            GC.KeepAlive(options);
            least = Math.Min(least, after - before);
        }

        return least;
    }
}
