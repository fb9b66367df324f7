using System.Diagnostics;
using System.Globalization;
using FileCache.HitRate;

// Replays traces through a strict-LRU reference, FileCache's real eviction (CLOCK and TinyLFU) and BitFaster's
// ConcurrentLfu, and checks them against each other and the published numbers. Exit code: 0 all checks pass,
// 1 a check failed, 2 bad usage or input.
if (args.Length > 0 && args[0] == "warming")
{
    // Warming replay: `warming --trace FILE ... [--capacities N,...] [--out FILE]` (see WarmingReplay).
    var warming = CommandLine.Parse(args[1..], out string? warmingError);
    if (warming is null || warming.TraceFiles.Count == 0)
    {
        Console.Error.WriteLine(warmingError ?? "warming: give at least one --trace FILE.");
        return 2;
    }

    return await WarmingReplay.RunAsync(warming.TraceFiles, warming.Capacities ?? [1000], warming.OutFile);
}

var command = CommandLine.Parse(args, out string? usageError);
if (command is null)
{
    if (usageError is not null)
    {
        Console.Error.WriteLine(usageError);
        return 2;
    }

    Console.WriteLine(CommandLine.Usage);
    return 0;
}

var files = new List<string>();
string? tracesDir = command.TracesDirectory;
string tracesDescription;
if (tracesDir is null && command.TraceFiles.Count == 0)
{
    tracesDir = RepoLocator.FindTracesDirectory([Environment.CurrentDirectory, AppContext.BaseDirectory], out string tried);
    if (tracesDir is null)
    {
        Console.Error.WriteLine($"Cannot find the traces folder <repo>/../shared/traces ({tried}). Pass --traces DIR or --trace FILE.");
        return 2;
    }

    tracesDescription = "every `*.txt` in `../shared/traces` (relative to the repo root)";
}
else
{
    tracesDescription = string.Join(", ", command.TraceFiles.Select(f => $"`{f}`").Concat(tracesDir is null ? [] : [$"every `*.txt` in `{tracesDir}`"]));
}

if (tracesDir is not null)
{
    if (!Directory.Exists(tracesDir))
    {
        Console.Error.WriteLine($"Traces folder '{tracesDir}' does not exist.");
        return 2;
    }

    files.AddRange(Directory.GetFiles(tracesDir, "*.txt")
        .Where(f => command.Only is null || command.Only.Contains(Path.GetFileNameWithoutExtension(f)))
        .Order(StringComparer.Ordinal));
}

foreach (string file in command.TraceFiles)
{
    if (!File.Exists(file))
    {
        Console.Error.WriteLine($"Trace file '{file}' does not exist.");
        return 2;
    }

    files.Add(file);
}

if (files.Count == 0)
{
    Console.Error.WriteLine($"No traces to replay in '{tracesDir}'.");
    return 2;
}

string csvPath = command.PublishedFile ?? Path.Combine(tracesDir ?? Path.GetDirectoryName(Path.GetFullPath(files[0]))!, PublishedRatios.FileName);
IReadOnlyList<PublishedRatio> published = File.Exists(csvPath) ? PublishedRatios.Load(csvPath) : [];
if (published.Count == 0)
{
    Console.Error.WriteLine($"note: no published ratios at '{csvPath}'; the LRU reference is not checked against them.");
}

var results = new List<TraceResult>();
foreach (string file in files)
{
    var clock = Stopwatch.StartNew();
    AccessTrace trace;
    try
    {
        trace = AccessTrace.Load(file);
    }
    catch (FormatException e)
    {
        Console.Error.WriteLine($"Trace '{file}': {e.Message}");
        return 2;
    }

    results.Add(Simulator.RunTrace(trace, published, command.Capacities));
    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{trace.Name}: {trace.Length:N0} requests, {results[^1].Rows.Count} capacities, {clock.Elapsed.TotalSeconds:F1} s"));
}

// Every published LRU row of a replayed trace must have been checked, unless the capacities were chosen by hand.
var notChecked = command.Capacities is not null ? [] : published
    .Where(p => p.Policy == PublishedRatios.LruPolicy)
    .Where(p => results.Any(t => PublishedRatios.Names(p.Trace, t.Name)) || (command.TraceFiles.Count == 0 && command.Only is null))
    .Where(p => !results.Any(t => PublishedRatios.Names(p.Trace, t.Name) && t.Rows.Any(r => r.PublishedLru == p)))
    .ToList();

var run = new SimulationRun(tracesDescription, string.Join(' ', args), results, notChecked);
string report = Report.Render(run);
Console.Out.Write(report);
if (command.OutFile is not null)
{
    File.WriteAllText(command.OutFile, report);
}

return run.Passed ? 0 : 1;
