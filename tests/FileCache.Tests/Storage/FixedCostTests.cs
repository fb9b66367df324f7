using Xunit.Abstractions;

namespace FileCache.Tests.Storage;

/// <summary>
/// What a cache holds before it holds anything: the heap a freshly created cache retains with one project and with
/// eight, no file read. Every entry of a small cache pays its share of this (on the corpus of
/// <see cref="CorpusFootprintTests"/>, 3,380 files, its fixed 185 KB was 55 B per entry), so its bounds are asserted here and
/// it cannot silently drift again. Runs alone (<see cref="MemoryMeasurement"/>), so the retained-heap difference is
/// this test's. The test method is synchronous on purpose: an async method's locals are fields of its state machine
/// and would stay alive across the measurement.
/// </summary>
[Collection(nameof(MemoryMeasurement))]
public sealed class FixedCostTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>
    /// A project's four striped counters (hits, misses, loads, load failures): a cache line and its neighbour per
    /// cell, one cell per processor (2 here: 1.1 KB; 64 processors: 32 KB), the only part that scales with the machine.
    /// </summary>
    private static readonly long Striped = 4L * FileCache.Statistics.StripedCounter.HeapBytes;

    /// <summary>Upper bound for a cache with one project, besides its striped counters (on 2 processors: 18.0 KB measured in all, 105.9 KB before the cuts).</summary>
    private static readonly long OneProjectBound = (24 * 1024) + Striped;

    /// <summary>Upper bound for each project beyond the first, besides its striped counters (on 2 processors: 2.7 KB measured in all, 6.1 KB before the cuts).</summary>
    private static readonly long ExtraProjectBound = 2560 + Striped;

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
        output.WriteLine($"empty cache: 1 project {one:N0} B, 8 projects {eight:N0} B, {perProject:N0} B per extra project ({Striped:N0} B of it the striped counters, {Environment.ProcessorCount} processors)");

        Assert.True(one <= OneProjectBound, $"an empty cache with one project retains {one:N0} B; the bound is {OneProjectBound:N0}");
        Assert.True(perProject <= ExtraProjectBound, $"each extra project of an empty cache retains {perProject:N0} B; the bound is {ExtraProjectBound:N0}");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>
    /// The median of five measurements of the heap a new cache with <paramref name="projects"/> projects retains. Not
    /// the least: a few kilobytes the previous round's cache left (its timers' last work) are sometimes freed inside
    /// the next window, which makes single readings low as well as high.
    /// </summary>
    private long Retained(int projects)
    {
        var readings = new long[5];
        for (int round = 0; round < readings.Length; round++)
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
            readings[round] = after - before;
        }

        Array.Sort(readings);
        output.WriteLine($"{projects} project(s): {string.Join(", ", readings.Select(r => r.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))} B");
        return readings[readings.Length / 2];
    }
}
