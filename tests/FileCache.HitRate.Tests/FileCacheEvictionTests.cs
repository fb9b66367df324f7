namespace FileCache.HitRate.Tests;

/// <summary>FileCache's real eviction (CLOCK), driven through the public API, against the strict-LRU reference.</summary>
public class FileCacheEvictionTests
{
    [Theory]
    [InlineData("gli")]
    [InlineData("cpp")]
    [InlineData("multi2")]
    public void FileCache_IsWithin1PointOfStrictLru_AtEveryCapacity(string traceName)
    {
        var trace = SharedTraces.Get(traceName);
        var capacities = Simulator.CapacitiesFor(trace, SharedTraces.Published);
        Assert.True(capacities.Count >= 4, $"{traceName}: only {capacities.Count} capacities");

        var result = Simulator.RunTrace(trace, SharedTraces.Published, capacities);
        var problems = new List<string>();
        foreach (var row in result.Rows)
        {
            if (row.FileCacheInconsistency is not null)
            {
                problems.Add($"{traceName} @ {row.Capacity}: {row.FileCacheInconsistency}");
            }

            if (!row.FileCacheWithinTolerance)
            {
                problems.Add($"{traceName} @ {row.Capacity}: FileCache {row.FileCache.PercentText} % is {HitCount.FormatHundredths(-row.DeltaHundredths)} points below strict LRU {row.Lru.PercentText} %");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Gli_UsesExactlyThePublishedCapacities()
    {
        Assert.Equal(new[] { 250, 500, 750, 1000, 1250, 1500, 1750, 2000 }, Simulator.CapacitiesFor(SharedTraces.Get("gli"), SharedTraces.Published));
    }

    [Fact]
    public void Run_CapacityAtLeastUniqueKeys_MissesOnlyFirstReferences()
    {
        // With room for every key no policy evicts: any eviction here would be a budget-accounting bug.
        var trace = SharedTraces.Get("cpp");
        var result = FileCacheReplay.Run(trace, trace.UniqueKeys);

        Assert.Null(result.Inconsistency(trace.UniqueKeys));
        Assert.Equal(trace.Length - trace.UniqueKeys, result.Count.Hits);
        Assert.Equal(0, result.CapacityEvictions);
        Assert.Equal(trace.UniqueKeys, result.EntriesAtEnd);
    }

    [Fact]
    public void Run_CapacityOneLessThanUniqueKeys_Evicts()
    {
        var trace = SharedTraces.Get("cpp");
        var result = FileCacheReplay.Run(trace, trace.UniqueKeys - 1);

        Assert.Null(result.Inconsistency(trace.UniqueKeys - 1));
        Assert.True(result.CapacityEvictions > 0);
        Assert.Equal(trace.UniqueKeys - 1, result.EntriesAtEnd);
    }

    [Fact]
    public void Run_Capacity1_HitsExactlyTheImmediateRepeats()
    {
        // One entry of size 1 fits: whatever the policy, the cache holds the last key read.
        var trace = AccessTrace.FromKeys("hand", new ulong[] { 7, 7, 7, 8, 7, 7, 8, 9, 9 });
        var result = FileCacheReplay.Run(trace, 1);

        Assert.Null(result.Inconsistency(1));
        Assert.Equal(4, result.Count.Hits);
        Assert.Equal(new HitCount(4, 9), StrictLru.Replay(trace.Requests, 1));
    }

    [Fact]
    public void Run_HandMadeSequence_CountsMatchTheCachesStatistics()
    {
        var trace = AccessTrace.FromKeys("hand", new ulong[] { 1, 2, 1, 3, 2, 1, 4, 1, 2, 3 });
        var result = FileCacheReplay.Run(trace, 2);

        Assert.Null(result.Inconsistency(2));
        Assert.Equal(result.Count.Hits, result.CountedHits);
        Assert.Equal(10 - result.Count.Hits, result.CountedMisses);
        Assert.True(result.EntriesAtEnd <= 2);
    }
}
