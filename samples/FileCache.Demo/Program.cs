// FileCache demo: caches a real directory (by default the .NET install folder), replays a skewed (Zipf)
// read workload through IFileCache.ReadAsync under a byte budget smaller than the working set, and prints
// the hit ratio, what the cache holds, evictions, and read latencies of cache hits vs. direct file reads.
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using FileCache;
using FileCache.Demo;
using Microsoft.Extensions.DependencyInjection;

const string Project = "demo";
const double ZipfExponent = 1.0;
const int Seed = 42;
const int DirectReads = 2_000;

// Same output on every machine: 1,234.5 rather than the local number format.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var arguments = DemoArguments.Parse(args, out string? error);
if (error is not null)
{
    Console.Error.WriteLine($"error: {error}");
    Console.Error.WriteLine("Run with --help for the options.");
    return 2;
}

if (arguments.Help)
{
    Console.WriteLine(DemoArguments.Usage);
    return 0;
}

var (root, rootDescription) = arguments.Root is { } given ? (given, "given by --root") : WorkingSet.FindDotnetRoot();
var files = WorkingSet.Load(root);
if (files.Files.Count == 0)
{
    Console.Error.WriteLine($"error: no readable files of at most {ByteSize.Format(WorkingSet.MaxFileBytes)} under '{root}'.");
    return 1;
}

// ---- The cache, registered the way an application would: one budget, one project rooted at the directory.
var services = new ServiceCollection();
services.AddFileCache(options =>
{
    options.MaxBytes = arguments.Budget;
    options.AddProject(Project, root);
});
using var provider = services.BuildServiceProvider();
var cache = provider.GetRequiredService<IFileCache>();

long evictedBytes = 0;
cache.EntryRemoved += (_, e) =>
{
    if (e.Reason == RemovalReason.Capacity)
    {
        Interlocked.Add(ref evictedBytes, e.Size);
    }
};

bool debugBuild = typeof(IFileCache).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled == true;
string selection = files.Found - files.TooLarge > files.Files.Count
    ? $"; {files.Found:N0} found, {files.TooLarge:N0} over {ByteSize.Format(WorkingSet.MaxFileBytes)} skipped, the rest sampled evenly"
    : files.TooLarge > 0 ? $"; {files.TooLarge:N0} over {ByteSize.Format(WorkingSet.MaxFileBytes)} skipped" : string.Empty;

Console.WriteLine("FileCache demo: a Zipf read workload through IFileCache.ReadAsync, under a byte budget");
Console.WriteLine();
Line("Root", $"{root}  ({rootDescription})");
Line("Working set", $"{files.Files.Count:N0} files, {ByteSize.FormatExact(files.TotalBytes)}{selection}");
Line("Budget", $"{ByteSize.FormatExact(arguments.Budget)}" + (arguments.Budget < files.TotalBytes
    ? $", {100.0 * arguments.Budget / files.TotalBytes:F1} % of the working set"
    : ", more than the working set: nothing needs evicting"));
Line("Workload", $"{arguments.Reads:N0} reads, Zipf exponent {ZipfExponent:F1}, seed {Seed}");
Line("Build", debugBuild ? "Debug (add -c Release for representative latencies)" : "Release");
Console.WriteLine();

// ---- Replay. Each read is timed alone; it was a hit when the cache's hit counter rose.
var zipf = new Zipf(files.Files.Count, ZipfExponent, Seed);
int[] sequence = zipf.Sequence(arguments.Reads, Seed + 1);
await WarmUpAsync(sequence.AsSpan(0, Math.Min(100, sequence.Length)).ToArray());
var hits = new Latencies("cache hit (ReadAsync)", arguments.Reads);
var misses = new Latencies("cache miss (ReadAsync + disk)", arguments.Reads / 4);
long hitCount = 0, readErrors = 0;
var wall = Stopwatch.StartNew();
var progress = new ReplayProgress(sequence.Length, Console.Error, TimeSpan.FromMilliseconds(500));
int done = 0;
foreach (int item in sequence)
{
    // Between timed reads, never inside one: at most one line every half second (on stderr, so stdout stays the report).
    if ((++done & 255) == 0)
    {
        progress.Report(done, wall.Elapsed, hitCount);
    }

    string path = files.Files[item].Path;
    long start = Stopwatch.GetTimestamp();
    try
    {
        _ = await cache.ReadAsync(Project, path);
        long elapsed = Stopwatch.GetTimestamp() - start;
        long hitsNow = cache.GetStatistics().Total.Hits;
        (hitsNow > hitCount ? hits : misses).Add(elapsed);
        hitCount = hitsNow;
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        readErrors++;
        hitCount = cache.GetStatistics().Total.Hits;
    }
}

wall.Stop();
progress.Done(sequence.Length, wall.Elapsed, hitCount);
var stats = cache.GetStatistics().Total;

// ---- The same distribution read straight from disk (the OS page cache is as warm as for the cache's loads).
int[] directSequence = zipf.Sequence(DirectReads, Seed + 2);
var direct = new Latencies("File.ReadAllBytes (no cache)", DirectReads);
foreach (int item in directSequence.AsSpan(0, Math.Min(20, DirectReads)))
{
    TryReadAllBytes(Path.Join(root, files.Files[item].Path)); // warm-up: JIT, not timed
}

long directErrors = 0;
foreach (int item in directSequence)
{
    string fullPath = Path.Join(root, files.Files[item].Path);
    long start = Stopwatch.GetTimestamp();
    bool ok = TryReadAllBytes(fullPath);
    long elapsed = Stopwatch.GetTimestamp() - start;
    if (ok)
    {
        direct.Add(elapsed);
    }
    else
    {
        directErrors++;
    }
}

// ---- Report.
var ev = stats.Evictions;
Line("Replay", $"{stats.Hits + stats.Misses:N0} reads in {wall.Elapsed.TotalSeconds:F2} s" + (readErrors > 0 ? $", {readErrors:N0} failed (unreadable files)" : string.Empty));
Line("Hit ratio", $"{100 * stats.HitRatio:F2} %  ({stats.Hits:N0} hits, {stats.Misses:N0} misses)");
Line("Loads", $"{stats.Loads:N0} from disk, {stats.LoadFailures:N0} failed, {stats.Rejected:N0} refused as larger than the budget (returned to the reader, not cached)");
Line("Held", $"{ByteSize.FormatExact(stats.Bytes)} of {ByteSize.Format(arguments.Budget)} budget ({100.0 * stats.Bytes / arguments.Budget:F1} %), {stats.Entries:N0} entries");
Line("Evictions", $"capacity {ev.Capacity:N0}, expired {ev.Expired:N0}, removed {ev.Removed:N0}, replaced {ev.Replaced:N0}, invalidated {ev.Invalidated:N0}");
Line("Evicted bytes", $"{ByteSize.FormatExact(Interlocked.Read(ref evictedBytes))}, summed from the EntryRemoved event");
Console.WriteLine();

const int LabelWidth = 30;
Console.WriteLine(Latencies.Header(LabelWidth));
Console.WriteLine(hits.Row(LabelWidth));
Console.WriteLine(misses.Row(LabelWidth));
Console.WriteLine(direct.Row(LabelWidth) + (directErrors > 0 ? $"  ({directErrors:N0} failed)" : string.Empty));
Console.WriteLine();

// ---- Coherent by API: after Remove, the next read goes to the disk again.
string hottest = files.Files[zipf.MostPopular].Path;
FileKey key = cache.CreateKey(Project, hottest);
bool removed = cache.Remove(key);
var before = cache.GetStatistics().Total;
try
{
    await cache.ReadAsync(key);
    var afterFirst = cache.GetStatistics().Total;
    await cache.ReadAsync(key);
    var afterSecond = cache.GetStatistics().Total;
    Line("Coherence", $"cache.Remove(key) of the hottest file: {(removed ? "removed" : "was not cached")}; next ReadAsync: {HitOrMiss(before, afterFirst)} (loads {before.Loads:N0} -> {afterFirst.Loads:N0}); the one after: {HitOrMiss(afterFirst, afterSecond)}");
    Line(string.Empty, $"(hottest file: {hottest})");
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    Line("Coherence", $"cache.Remove(key) of the hottest file ({hottest}): {(removed ? "removed" : "was not cached")}; reading it again failed: {e.Message}");
}

return 0;

// Runs the read paths once on a throwaway cache, so that the timed reads measure steady state, not JIT.
async Task WarmUpAsync(int[] items)
{
    using var scratch = FileCacheFactory.Create(new FileCacheOptions { MaxBytes = arguments.Budget }.AddProject(Project, root));
    for (int pass = 0; pass < 2; pass++)
    {
        foreach (int item in items)
        {
            try
            {
                _ = await scratch.ReadAsync(Project, files.Files[item].Path);
                _ = scratch.GetStatistics();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Counted in the real run.
            }
        }
    }
}

static string HitOrMiss(FileCache.Statistics.CacheCounters before, FileCache.Statistics.CacheCounters after) =>
    after.Hits > before.Hits ? "hit" : after.Misses > before.Misses ? "miss" : "?";

static bool TryReadAllBytes(string fullPath)
{
    try
    {
        _ = File.ReadAllBytes(fullPath);
        return true;
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        return false;
    }
}

static void Line(string label, string text) => Console.WriteLine($"  {label,-14}{text}");
