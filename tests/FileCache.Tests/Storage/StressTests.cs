namespace FileCache.Tests.Storage;

/// <summary>
/// Many real threads hammer one cache with random operations; afterwards the counted entries and bytes
/// must equal a recount of the store. STRESS_OPS (environment) raises the per-thread operation count for a
/// longer soak run; CI uses the default.
/// </summary>
[Collection(nameof(StressGroup))]
public class StressTests
{
    private static readonly int OpsPerThread = int.TryParse(Environment.GetEnvironmentVariable("STRESS_OPS"), out int ops) ? ops : 200_000;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task RandomOperations_ManyThreads_CountersEqualRecount(int seed)
    {
        using var cache = CacheFixture.Create(5_000, configure: o => o.AddProject("quota", null, p => p.MaxBytes = 1_000), projects: ["a", "b"]);
        string[] projects = ["a", "b", "quota"];
        var keys = projects.ToDictionary(p => p, p => Enumerable.Range(0, 400).Select(i => cache.CreateKey(p, $"dir{i % 7}/file{i}.cs")).ToArray());
        long successfulSets = 0;
        long removedEvents = 0;
        cache.EntryRemoved += (_, e) =>
        {
            if (e.Reason != RemovalReason.Replaced)
            {
                Interlocked.Increment(ref removedEvents);
            }
        };
        int threads = Math.Max(4, Environment.ProcessorCount * 2);
        using var start = new Barrier(threads);

        var workers = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                var random = new Random((seed * 1000) + t);
                start.SignalAndWait();
                for (int i = 0; i < OpsPerThread; i++)
                {
                    string project = projects[random.Next(projects.Length)];
                    var key = keys[project][random.Next(400)];
                    int op = random.Next(100);
                    if (op < 55)
                    {
                        cache.TryGet<string>(key, out _);
                    }
                    else if (op < 90)
                    {
                        if (cache.Set(key, "v", CacheFixture.Size(random.Next(1, 60))))
                        {
                            Interlocked.Increment(ref successfulSets);
                        }
                    }
                    else if (op < 99)
                    {
                        cache.Remove(key);
                    }
                    else if (random.Next(20) == 0)
                    {
                        cache.InvalidateProject(project);
                    }
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        await Task.WhenAll(workers);

        CacheFixture.AssertConsistent(cache);
        var stats = cache.GetStatistics();
        Assert.True(stats.Projects["quota"].Bytes <= 1_000);
        Assert.True(stats.Total.Evictions.Capacity > 0, "the workload should have evicted");

        // Every successful insert either is still held, was replaced by a later one, or left with a removal event.
        var evictions = stats.Total.Evictions;
        Assert.Equal(successfulSets, stats.Total.Entries + evictions.Replaced + Volatile.Read(ref removedEvents));
        Assert.Equal(removedEvents, evictions.Capacity + evictions.Expired + evictions.Removed + evictions.Invalidated);
    }
}

[CollectionDefinition(nameof(StressGroup), DisableParallelization = true)]
public class StressGroup
{
}
