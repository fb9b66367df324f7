using System.Collections.Concurrent;
using System.Text;
using FileCache.Invalidation;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace FileCache.Tests.Invalidation;

/// <summary>
/// Coherence on a real directory. Writer threads modify (in place and by atomic replace), delete and rename files,
/// and rename, delete and recreate directories, each writer in its own directories, with a seeded sequence of
/// operations. After each operation the writer "commits" it: it waits for the cache to catch up (the watcher has
/// processed the operation's events, via a sentinel file; or the polling fallback has run), or, under
/// ValidateOnRead, advances the fake clock by the validation interval. Reader threads read through the cache all
/// along. A read that starts and ends while no operation on its path is under way or uncommitted must return
/// exactly what is on disk: never older bytes, never a partial capture.
/// </summary>
[Collection(WatcherTestGroup.Name)]
public sealed class CoherenceTests(ITestOutputHelper output)
{
    private const int Seed = 20261125;
    private const int Writers = 2;
    private const int Readers = 3;
    private const int DirectoriesPerWriter = 2;
    private const int FilesPerDirectory = 6;
    private const int Deleted = -1;

    /// <summary>
    /// Operations per writer: 150 in CI (a few seconds for all modes); <c>FILECACHE_SOAK=N</c> multiplies them for an
    /// on-demand soak run (e.g. 40: about a minute per mode).
    /// </summary>
    private static readonly int OperationsPerWriter = 150 * (int.TryParse(Environment.GetEnvironmentVariable("FILECACHE_SOAK"), out int soak) && soak > 1 ? soak : 1);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly DateTime BackdatedEpoch = DateTime.UtcNow.AddDays(-1);

    public static TheoryData<string> Modes => ["watch", "validate-on-read", "watch-and-validate-on-read", "polling"];

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Coherence_UnderConcurrentChanges_NoCommittedChangeIsMissed(string mode)
    {
        using var dir = new TestDirectory();
        var fake = new FakeTimeProvider(DateTimeOffset.UtcNow);
        TimeProvider time = mode is "watch" or "watch-and-validate-on-read" ? TimeProvider.System : fake;
        var world = new World(dir.Root);
        world.CreateAll();
        using var cache = InvalidationFixture.CreateRooted(dir.Root, time, o =>
        {
            o.Mode = mode switch
            {
                "validate-on-read" => ValidationMode.ValidateOnRead,
                "watch-and-validate-on-read" => ValidationMode.WatchAndValidateOnRead,
                _ => ValidationMode.Watch,
            };
            o.ValidationInterval = Interval;
            o.UsePolling = mode == "polling";

            // Two modes also hash contents, so the "changed but same bytes: keep it" path runs under the writers too
            // (polling re-reads every just-written file at each poll and keeps those whose bytes did not change).
            o.ComputeContentHash = mode is "polling" or "watch-and-validate-on-read";
            o.PollingInterval = TimeSpan.FromHours(1);

            // A watcher that delivers nothing for this long costs the project's entries (the safe answer), not
            // the run: Linux's watcher sometimes goes quiet for many seconds on two busy cores (see Internal/readme.md).
            o.SynchronizeTimeout = TimeSpan.FromSeconds(2);
        });

        world.Describe = path =>
        {
            var partition = cache.PartitionFor("p");
            var key = cache.CreateKey("p", path);
            string entry = partition.Map.TryGetValue(key, out var e)
                ? $"entry {(e.Value as CachedFile)?.Version}, next check {e.Coherence?.NextValidate}, racy {e.Coherence?.Racy}"
                : "no entry";
            return $"{entry}; clock {cache.InvalidationState.Clock.Now}, time {time.GetTimestamp()}, loads in flight {partition.InFlight.Count}";
        };

        var commitLock = new object();
        void Commit()
        {
            if (mode == "validate-on-read")
            {
                // One writer at a time: FakeTimeProvider runs due timer callbacks on the advancing thread outside
                // its lock, so without this a second writer's Advance could return while the first is still
                // running the callbacks (the cache's sweeper, memory check, history) before the coarse clock's
                // tick, and that writer's change would be "committed" before the clock moved.
                lock (commitLock)
                {
                    fake.Advance(Interval);
                }
            }
            else if (!cache.SynchronizeAsync("p").Wait(TimeSpan.FromSeconds(30)))
            {
                var stats = cache.GetStatistics().Invalidation!;
                throw new TimeoutException($"The watcher did not deliver the sentinel's event within 30 s ({stats.WatcherOverflows} lost-event invalidations, {stats.PollingFallbacks} polling fallbacks).");
            }
        }

        // Real threads (the thread pool stays free for the watcher's events and the cache's own continuations).
        using var done = new CancellationTokenSource();
        var failures = new ConcurrentQueue<Exception>();
        Thread Start(Action body) => new(() =>
        {
            try
            {
                body();
            }
            catch (Exception ex)
            {
                failures.Enqueue(ex);
            }
        }) { IsBackground = true };
        var writers = Enumerable.Range(0, Writers).Select(w => Start(() => world.Write(w, Commit))).ToArray();
        var readers = Enumerable.Range(0, Readers).Select(r => Start(() => world.Read(cache, r, done.Token))).ToArray();
        Array.ForEach(readers, t => t.Start());
        Array.ForEach(writers, t => t.Start());
        // Usually a few seconds. The bound is generous because Linux's FileSystemWatcher sometimes stops delivering
        // events for a while (seen about one run in ten on two busy cores); the sentinel's 15-s timeout then
        // invalidates the project, which keeps the cache correct but makes that commit late.
        var bound = TimeSpan.FromSeconds(120) * (OperationsPerWriter / 150);
        bool finished = writers.All(t => t.Join(bound));
        done.Cancel();
        Assert.True(readers.All(t => t.Join(TimeSpan.FromSeconds(30))), "a reader did not stop");
        var progress = cache.GetStatistics().Invalidation!;
        Assert.True(finished, $"the writers did not finish within {bound.TotalSeconds} s: {world.Reads} reads, {progress.Requests} invalidation requests, {progress.WatcherOverflows} lost-event invalidations, {world.Operations} operations done; pool: {ThreadPool.ThreadCount} threads, {ThreadPool.PendingWorkItemCount} queued, watcher pending {cache.WatcherFor("p")?.PendingCount}");
        Assert.Empty(failures);

        // Quiescent: every path reads exactly what is on disk.
        for (int i = 0; i < world.Paths.Length; i++)
        {
            world.Check(i, await World.ReadOne(cache, world.Paths[i]), Volatile.Read(ref world.Truth[i]), "final");
        }

        var stats = cache.GetStatistics().Invalidation!;
        output.WriteLine($"mode {mode}: {world.Reads} reads, {world.StableChecks} checked against a settled disk; {stats.Requests} invalidation requests, {stats.WatcherOverflows} lost-event invalidations, {stats.StormsCollapsed} storms, {stats.UnchangedKept} unchanged files kept");
        Assert.True(world.Violations.IsEmpty, $"seed {Seed}, mode {mode}: {world.Violations.Count} stale or partial reads, e.g. {string.Join("; ", world.Violations.Take(5))}");
        Assert.True(world.StableChecks > 300, $"only {world.StableChecks} reads were checked against a settled disk");
    }

    private sealed class World
    {
        private readonly string _root;
        private readonly long[] _started;
        private readonly long[] _committed;
        private long _stableChecks;
        private long _reads;
        private long _operations;

        public World(string root)
        {
            _root = root;
            Paths = [.. from w in Enumerable.Range(0, Writers)
                        from d in Enumerable.Range(0, DirectoriesPerWriter)
                        from f in Enumerable.Range(0, FilesPerDirectory)
                        select $"w{w}d{d}/f{f}.txt"];
            Truth = new int[Paths.Length];
            LastOperation = new string[Paths.Length];
            _started = new long[Paths.Length];
            _committed = new long[Paths.Length];
        }

        public string[] Paths { get; }

        /// <summary>The version each path holds on disk, or <see cref="Deleted"/>.</summary>
        public int[] Truth { get; }

        /// <summary>What last changed each path (for the failure message).</summary>
        public string?[] LastOperation { get; }

        public ConcurrentQueue<string> Violations { get; } = new();

        /// <summary>Describes the cache's state for a path (for the failure message).</summary>
        public Func<string, string>? Describe { get; set; }

        public long StableChecks => Volatile.Read(ref _stableChecks);

        public long Reads => Volatile.Read(ref _reads);

        public long Operations => Volatile.Read(ref _operations);

        public void CreateAll()
        {
            for (int i = 0; i < Paths.Length; i++)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Full(i))!);
                File.WriteAllBytes(Full(i), Content(i + 1, 17));
                Truth[i] = i + 1;
            }
        }

        public void Write(int writer, Action commit)
        {
            var rng = new Random(Seed + writer);
            int version = (writer + 1) * 1_000_000;
            int first = writer * DirectoriesPerWriter * FilesPerDirectory;
            for (int op = 0; op < OperationsPerWriter; op++)
            {
                int directory = rng.Next(DirectoriesPerWriter);
                int dirFirst = first + (directory * FilesPerDirectory);
                int a = dirFirst + rng.Next(FilesPerDirectory);
                int b = dirFirst + rng.Next(FilesPerDirectory);
                int[] wholeDirectory = [.. Enumerable.Range(dirFirst, FilesPerDirectory)];
                string dirPath = Path.GetDirectoryName(Full(a))!;
                int kind = rng.Next(10);
                int[] affected = kind switch
                {
                    <= 4 => [a],
                    5 or 6 => a == b ? [a] : [a, b],
                    _ => wholeDirectory,
                };

                foreach (int i in affected)
                {
                    Interlocked.Increment(ref _started[i]);
                }

                int filler = rng.Next(400);
                switch (kind)
                {
                    case <= 2: // rewrite in place (truncate, then write)
                        Directory.CreateDirectory(dirPath);
                        WriteVersion(Full(a), ++version, filler, rng);
                        Volatile.Write(ref Truth[a], version);
                        break;
                    case 3 or 4: // atomic replace
                        Directory.CreateDirectory(dirPath);
                        string temp = Full(a) + ".tmp";
                        WriteVersion(temp, ++version, filler, rng);
                        File.Move(temp, Full(a), overwrite: true);
                        Volatile.Write(ref Truth[a], version);
                        break;
                    case 5: // delete a file
                        if (File.Exists(Full(a)))
                        {
                            File.Delete(Full(a));
                        }

                        Volatile.Write(ref Truth[a], Deleted);
                        break;
                    case 6: // rename a file over another
                        if (a != b && File.Exists(Full(a)))
                        {
                            File.Move(Full(a), Full(b), overwrite: true);
                            Volatile.Write(ref Truth[b], Truth[a]);
                            Volatile.Write(ref Truth[a], Deleted);
                        }

                        break;
                    case 7: // rename the directory away
                        if (Directory.Exists(dirPath))
                        {
                            if (Directory.Exists(dirPath + ".old"))
                            {
                                Directory.Delete(dirPath + ".old", recursive: true);
                            }

                            Directory.Move(dirPath, dirPath + ".old");
                            foreach (int i in wholeDirectory)
                            {
                                Volatile.Write(ref Truth[i], Deleted);
                            }
                        }

                        break;
                    case 8: // delete the directory
                        if (Directory.Exists(dirPath))
                        {
                            Directory.Delete(dirPath, recursive: true);
                            foreach (int i in wholeDirectory)
                            {
                                Volatile.Write(ref Truth[i], Deleted);
                            }
                        }

                        break;
                    default: // recreate every file of the directory
                        Directory.CreateDirectory(dirPath);
                        foreach (int i in wholeDirectory)
                        {
                            WriteVersion(Full(i), ++version, rng.Next(400), rng);
                            Volatile.Write(ref Truth[i], version);
                        }

                        break;
                }

                foreach (int i in affected)
                {
                    Volatile.Write(ref LastOperation[i], $"writer {writer} op {op} kind {kind} ({Paths[a]}, {Paths[b]})");
                }

                commit();
                Interlocked.Increment(ref _operations);
                foreach (int i in affected)
                {
                    Interlocked.Increment(ref _committed[i]);
                }

                // Let the readers look at the settled disk before the next change (bounded: a wait for their progress, not a timer).
                long reads = Reads;
                SpinWait.SpinUntil(() => Reads >= reads + 40, TimeSpan.FromSeconds(2));
            }
        }

        public void Read(IFileCache cache, int reader, CancellationToken stop)
        {
            var rng = new Random(Seed + 100 + reader);
            while (!stop.IsCancellationRequested)
            {
                int i = rng.Next(Paths.Length);
                long started = Volatile.Read(ref _started[i]);
                long committed = Volatile.Read(ref _committed[i]);
                int truth = Volatile.Read(ref Truth[i]);
                var result = ReadOne(cache, Paths[i]).GetAwaiter().GetResult();
                long reads = Interlocked.Increment(ref _reads);

                // Leave the cores to the watcher's thread and the thread pool (which delivers its events) now and
                // then: a yield each read, and a real sleep every 64 reads, since on two cores three spinning readers
                // could otherwise keep the inotify thread waiting for seconds (seen: 15-s stalls).
                if ((reads & 63) == 0)
                {
                    Thread.Sleep(1);
                }
                else
                {
                    Thread.Yield();
                }
                bool settled = started == committed && Volatile.Read(ref _started[i]) == started;
                if (settled && result is not null)
                {
                    Interlocked.Increment(ref _stableChecks);
                    Check(i, result, truth, "during");
                }
            }
        }

        public void Check(int i, (int Version, bool Complete)? result, int truth, string phase)
        {
            if (result is not { } r)
            {
                return;
            }

            if (r.Version != truth || !r.Complete)
            {
                Violations.Enqueue($"{phase} {Paths[i]}: read v{r.Version}{(r.Complete ? string.Empty : " (partial)")}, disk holds {(truth == Deleted ? "nothing" : "v" + truth)} after {Volatile.Read(ref LastOperation[i]) ?? "creation"}; {Describe?.Invoke(Paths[i])}");
            }
        }

        /// <summary>Reads through the cache: (version, complete), (Deleted, true) for a missing file, null for "changed while read".</summary>
        public static async Task<(int Version, bool Complete)?> ReadOne(IFileCache cache, string path)
        {
            try
            {
                var file = await cache.ReadAsync("p", path);
                string text = Encoding.ASCII.GetString(file.Content.Span);
                int semicolon = text.IndexOf(';', StringComparison.Ordinal);
                if (text.Length == 0 || text[0] != 'v' || semicolon < 0 || !int.TryParse(text.AsSpan(1, semicolon - 1), out int version))
                {
                    return (0, false);
                }

                return (version, text.EndsWith('$'));
            }
            catch (FileNotFoundException)
            {
                return (Deleted, true);
            }
            catch (DirectoryNotFoundException)
            {
                return (Deleted, true);
            }
            catch (IOException)
            {
                // The file kept changing while it was read (the cache refuses to cache such a read).
                return null;
            }
        }

        /// <summary>
        /// Writes a version of a file. Half the writes then date the file back by a day (as <c>tar</c>, <c>rsync -t</c> or
        /// <c>cp -p</c> do), each version to its own instant: such files are old enough for checks by length and
        /// last-write time to trust them, so those checks are exercised too, not only the rereads of just-written files.
        /// </summary>
        private static void WriteVersion(string path, int version, int filler, Random rng)
        {
            File.WriteAllBytes(path, Content(version, filler));
            if (rng.Next(2) == 0)
            {
                File.SetLastWriteTimeUtc(path, BackdatedEpoch.AddMilliseconds(version));
            }
        }

        private static byte[] Content(int version, int filler) =>
            Encoding.ASCII.GetBytes($"v{version};{new string((char)('a' + (version % 26)), filler)}$");

        private string Full(int i) => Path.Combine(_root, Paths[i]);
    }
}
