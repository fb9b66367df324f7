using System.Diagnostics;
using System.Globalization;
using FileCache.HitRate;

// Replays every *.txt trace through a strict-LRU reference and through FileCache's real eviction, and checks
// the reference against the published LRU numbers. Exit code: 0 all checks pass, 1 a check failed, 2 bad usage or input.
string? tracesDir = null;
string? outFile = null;
HashSet<string>? only = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--traces" when i + 1 < args.Length:
            tracesDir = args[++i];
            break;
        case "--out" when i + 1 < args.Length:
            outFile = args[++i];
            break;
        case "--only" when i + 1 < args.Length:
            only = new HashSet<string>(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.OrdinalIgnoreCase);
            break;
        case "-h" or "--help":
            Console.WriteLine("FileCache.HitRate [--traces DIR] [--out FILE] [--only NAME[,NAME...]]");
            Console.WriteLine("  --traces DIR  folder of *.txt traces and published_hit_ratios.csv (default: <repo>/../shared/traces)");
            Console.WriteLine("  --out FILE    also write the markdown report to FILE");
            Console.WriteLine("  --only NAMES  replay only these traces (file names without .txt)");
            return 0;
        default:
            Console.Error.WriteLine($"Unknown or incomplete argument '{args[i]}'. Use --help.");
            return 2;
    }
}

string tracesDescription;
if (tracesDir is null)
{
    tracesDir = RepoLocator.FindTracesDirectory([Environment.CurrentDirectory, AppContext.BaseDirectory], out string tried);
    if (tracesDir is null)
    {
        Console.Error.WriteLine($"Cannot find the traces folder <repo>/../shared/traces ({tried}). Pass --traces DIR.");
        return 2;
    }

    tracesDescription = "`../shared/traces` (relative to the repo root)";
}
else
{
    tracesDescription = $"`{tracesDir}`";
}

if (!Directory.Exists(tracesDir))
{
    Console.Error.WriteLine($"Traces folder '{tracesDir}' does not exist.");
    return 2;
}

string csvPath = Path.Combine(tracesDir, PublishedRatios.FileName);
IReadOnlyList<PublishedRatio> published = File.Exists(csvPath) ? PublishedRatios.Load(csvPath) : [];
if (published.Count == 0)
{
    Console.Error.WriteLine($"warning: no published ratios at '{csvPath}'; the LRU reference is not checked.");
}

var files = Directory.GetFiles(tracesDir, "*.txt")
    .Where(f => only is null || only.Contains(Path.GetFileNameWithoutExtension(f)))
    .Order(StringComparer.Ordinal)
    .ToList();
if (files.Count == 0)
{
    Console.Error.WriteLine($"No traces to replay in '{tracesDir}'.");
    return 2;
}

var results = new List<TraceResult>();
foreach (string file in files)
{
    var clock = Stopwatch.StartNew();
    var trace = AccessTrace.Load(file);
    results.Add(Simulator.RunTrace(trace, published));
    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{trace.Name}: {trace.Length:N0} requests, {results[^1].Rows.Count} capacities, {clock.Elapsed.TotalSeconds:F1} s"));
}

// Every published LRU row of a trace that was asked for must have been checked.
var notChecked = published
    .Where(p => p.Policy == PublishedRatios.LruPolicy)
    .Where(p => only is null || only.Any(o => PublishedRatios.Names(p.Trace, o)))
    .Where(p => !results.Any(t => PublishedRatios.Names(p.Trace, t.Name) && t.Rows.Any(r => r.PublishedLru == p)))
    .ToList();

var run = new SimulationRun(tracesDescription, string.Join(' ', args), results, notChecked);
string report = Report.Render(run);
Console.Out.Write(report);
if (outFile is not null)
{
    File.WriteAllText(outFile, report);
}

return run.Passed ? 0 : 1;
