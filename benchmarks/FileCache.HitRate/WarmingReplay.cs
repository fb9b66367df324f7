using System.Globalization;
using System.Text;
using FileCache.Sources;
using FileCache.Warming;

namespace FileCache.HitRate;

/// <summary>
/// Replays traces through the real cache with warming: each trace is split in halves with a restart between them.
/// The first half runs on one cache, whose hot set is then written as a manifest; the first 10 % of the second half runs
/// on a fresh cache, cold or warmed from that manifest (and, for reference, on the first cache without a restart).
/// Prediction runs the whole trace with the co-access model on, prefetches completing before the next request.
/// Every key is a file of <see cref="FileBytes"/> bytes from an in-memory source; the budget holds exactly the capacity.
/// </summary>
internal static class WarmingReplay
{
    public const int FileBytes = 64;
    private const string Project = "trace";

    public static async Task<int> RunAsync(IReadOnlyList<string> traceFiles, IReadOnlyList<int> capacities, string? outFile)
    {
        var report = new StringBuilder();
        report.AppendLine("# Warming replay").AppendLine();
        report.AppendLine("Reproduce with (from the repo root):").AppendLine();
        report.AppendLine("```").AppendLine(CultureInfo.InvariantCulture, $"dotnet run -c Release --project benchmarks/FileCache.HitRate -- warming {string.Join(' ', traceFiles.Select(f => "--trace " + Path.GetRelativePath(Environment.CurrentDirectory, f)))} --capacities {string.Join(',', capacities)} --out benchmarks/FileCache.HitRate/warming-results.md").AppendLine("```").AppendLine();
        report.AppendLine("Each trace is split in halves with a restart between them. **first 10 %** is the hit ratio of the first 10 % of the second half's reads: `cold` on a fresh cache, `warmed` on a fresh cache warmed from the manifest the first cache wrote at the restart (`WarmAsync` awaited before the first read), `no restart` on the first cache itself (the ceiling). Every key is a file of 64 bytes; the budget holds exactly `capacity` files. **prediction** replays the whole trace on one cache with `Predict = true` (prefetches finish before the next read): hit ratio without and with it, precision = prefetched entries read before leaving the cache / those settled (read or dropped unread), recall = reads served by a prefetch / (those + reads that still missed).").AppendLine();
        report.AppendLine("| trace | capacity | cold % | warmed % | no restart % | warmed − cold | manifest entries | warmed files | no prediction % | prediction % | precision % | recall % |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (string file in traceFiles)
        {
            var trace = AccessTrace.Load(file);
            foreach (int capacity in capacities)
            {
                var row = await RunOneAsync(trace, capacity).ConfigureAwait(false);
                string line = string.Create(CultureInfo.InvariantCulture,
                    $"| {trace.Name} | {capacity:N0} | {row.Cold:F2} | {row.Warmed:F2} | {row.NoRestart:F2} | {row.Warmed - row.Cold:+0.00;-0.00} | {row.ManifestEntries:N0} | {row.WarmedFiles:N0} | {row.Plain:F2} | {row.Predicted:F2} | {row.Precision:F1} | {row.Recall:F1} |");
                report.AppendLine(line);
                Console.WriteLine(line);
            }
        }

        if (outFile is not null)
        {
            await File.WriteAllTextAsync(outFile, report.ToString()).ConfigureAwait(false);
        }

        return 0;
    }

    private sealed record Row(double Cold, double Warmed, double NoRestart, int ManifestEntries, int WarmedFiles, double Plain, double Predicted, double Precision, double Recall);

    private static async Task<Row> RunOneAsync(AccessTrace trace, int capacity)
    {
        string folder = Directory.CreateTempSubdirectory("filecache-warming-replay-").FullName;
        try
        {
            int half = trace.Length / 2;
            int probe = Math.Max(1, (trace.Length - half) / 10);
            var source = new TraceSource();
            long budget = capacity * MeasureCharge(source);

            // First life: the first half, then the hot set is written (as at shutdown).
            double noRestart;
            int manifestEntries;
            using (var first = new Node(source, budget, folder, predict: false))
            {
                await first.ReplayAsync(trace, 0, half).ConfigureAwait(false);
                await first.Warmer.SaveHotSetAsync().ConfigureAwait(false);
                manifestEntries = (await new ManifestHotSetStore(folder).LoadAsync(Project).ConfigureAwait(false))!.Entries.Count;
                noRestart = await first.ReplayAsync(trace, half, half + probe).ConfigureAwait(false);
            }

            double cold;
            using (var fresh = new Node(source, budget, manifestFolder: null, predict: false))
            {
                cold = await fresh.ReplayAsync(trace, half, half + probe).ConfigureAwait(false);
            }

            double warmed;
            int warmedFiles;
            using (var restarted = new Node(source, budget, folder, predict: false))
            {
                warmedFiles = (await restarted.Warmer.WarmAsync().ConfigureAwait(false)).Loaded;
                warmed = await restarted.ReplayAsync(trace, half, half + probe).ConfigureAwait(false);
            }

            double plain;
            using (var node = new Node(source, budget, manifestFolder: null, predict: false))
            {
                plain = await node.ReplayAsync(trace, 0, trace.Length).ConfigureAwait(false);
            }

            double predicted, precision, recall;
            using (var node = new Node(source, budget, manifestFolder: null, predict: true))
            {
                predicted = await node.ReplayAsync(trace, 0, trace.Length).ConfigureAwait(false);
                var stats = node.Warmer.GetStatistics();
                long settled = stats.PrefetchesUsed + stats.PrefetchesWasted;
                precision = settled == 0 ? 0 : 100.0 * stats.PrefetchesUsed / settled;
                long misses = node.Cache.GetStatistics().Total.Misses;
                recall = stats.PrefetchesUsed + misses == 0 ? 0 : 100.0 * stats.PrefetchesUsed / (stats.PrefetchesUsed + misses);
            }

            return new Row(cold, warmed, noRestart, manifestEntries, warmedFiles, plain, predicted, precision, recall);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The bytes one cached file of <see cref="FileBytes"/> is charged (value plus per-entry overhead).</summary>
    private static long MeasureCharge(TraceSource source)
    {
        using var node = new Node(source, 1L << 30, manifestFolder: null, predict: false);
        node.Cache.ReadAsync(Project, "1").AsTask().GetAwaiter().GetResult();
        return node.Cache.GetStatistics().Total.Bytes;
    }

    /// <summary>One cache with its warmer, as <c>AddWarming</c> composes them.</summary>
    private sealed class Node : IDisposable
    {
        private readonly ManualClock _clock = new();
        private FileKey[]? _keys;

        public Node(TraceSource source, long budget, string? manifestFolder, bool predict)
        {
            var options = new FileCacheOptions { MaxBytes = budget };
            options.Memory.AdaptToPressure = false;
            options.Invalidation.Mode = Invalidation.ValidationMode.None;
            options.AddProject(Project, null, p => p.Source = source);
            options.Warming.ManifestFolder = manifestFolder;
            options.Warming.Predict = predict;
            options.Warming.MaxManifestEntries = 1_000_000;
            var signals = new WarmingSignals(options.Warming, _clock);
            options.LoadStages.Add(signals.RunStageAsync);
            Cache = FileCacheFactory.Create(options, _clock);
            Warmer = new FileCacheWarmer(Cache, options.Warming, _clock, signals);
        }

        public IFileCache Cache { get; }

        public FileCacheWarmer Warmer { get; }

        /// <summary>Replays requests [from, to) and returns their hit ratio in percent.</summary>
        public async Task<double> ReplayAsync(AccessTrace trace, int from, int to)
        {
            _keys ??= [.. trace.DistinctKeys.Select(k => Cache.CreateKey(Project, k.ToString(CultureInfo.InvariantCulture)))];
            long hits = 0;
            for (int i = from; i < to; i++)
            {
                _clock.Tick();
                ref readonly var key = ref _keys[trace.Ids[i]];
                if (Cache.TryGetValue(key, out _))
                {
                    hits++;
                    continue;
                }

                await Cache.ReadAsync(key).ConfigureAwait(false);
                await Warmer.WhenIdleAsync().ConfigureAwait(false);
            }

            return to == from ? 0 : 100.0 * hits / (to - from);
        }

        public void Dispose()
        {
            Warmer.Dispose();
            Cache.Dispose();
        }
    }

    /// <summary>A clock that advances 1 ms per request (the prediction window is in time).</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = TimeSpan.TicksPerDay;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Volatile.Read(ref _ticks);

        public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(Volatile.Read(ref _ticks));

        public void Tick() => Interlocked.Add(ref _ticks, TimeSpan.TicksPerMillisecond);
    }

    /// <summary>Every path is a file of <see cref="FileBytes"/> bytes at one fixed version.</summary>
    private sealed class TraceSource : IFileSource
    {
        private static readonly byte[] Bytes = new byte[FileBytes];
        private static readonly FileVersion Version = new(FileBytes, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

        public ValueTask<FileVersion?> GetVersionAsync(string path, CancellationToken cancellationToken = default) => new(Version);

        public ValueTask<FileSourceContent> ReadAsync(string path, CancellationToken cancellationToken = default) =>
            new(new FileSourceContent(Bytes, Version, "trace:" + path));

        public Microsoft.Extensions.Primitives.IChangeToken? Watch(string path) => null;
    }
}
