namespace FileCache.HitRate.Tests;

/// <summary>The pass/fail rules of a run and the program's exit code.</summary>
public class ChecksTests
{
    private static CapacityResult Row(long lruHits, long fileCacheHits, long requests = 1000, PublishedRatio? published = null, string? inconsistency = null) =>
        new(100, new HitCount(lruHits, requests), new HitCount(fileCacheHits, requests), published, inconsistency);

    private static SimulationRun RunOf(params CapacityResult[] rows) =>
        new("test", string.Empty, [new TraceResult("t", 1000, 10, rows)], []);

    [Fact]
    public void FileCacheWithinTolerance_ExactlyOnePointBelow_Passes_MoreFails()
    {
        Assert.True(Row(lruHits: 110, fileCacheHits: 100).FileCacheWithinTolerance);  // -1.0 point
        Assert.False(Row(lruHits: 111, fileCacheHits: 100).FileCacheWithinTolerance); // -1.1 points
        Assert.False(Row(lruHits: 10_001, fileCacheHits: 9_000, requests: 100_000).FileCacheWithinTolerance); // -1.001 points
        Assert.True(Row(lruHits: 100, fileCacheHits: 300).FileCacheWithinTolerance);  // above is always fine
    }

    [Fact]
    public void Passed_FalseWhenFileCacheFallsMoreThanOnePointBelow()
    {
        var run = RunOf(Row(500, 500), Row(600, 580));
        Assert.False(run.Passed);
        Assert.Single(run.FileCacheShortfalls);
        Assert.Contains("Result: FAIL", Report.Render(run), StringComparison.Ordinal);
    }

    [Fact]
    public void Passed_FalseWhenTinyLfuFallsMoreThanOnePointBelow()
    {
        var row = Row(500, 500) with { TinyLfu = new HitCount(489, 1000) };
        Assert.False(RunOf(row).Passed);
        Assert.Single(RunOf(row).TinyLfuShortfalls);
        Assert.True(RunOf(row with { TinyLfu = new HitCount(490, 1000) }).Passed);
    }

    [Fact]
    public void TinyLfuBeatsLruBy20Percent_IsExactOnHitCounts()
    {
        Assert.True((Row(100, 100) with { TinyLfu = new HitCount(120, 1000) }).TinyLfuBeatsLruBy20Percent);
        Assert.False((Row(100, 100) with { TinyLfu = new HitCount(119, 1000) }).TinyLfuBeatsLruBy20Percent);
        Assert.False((Row(0, 0) with { TinyLfu = new HitCount(0, 1000) }).TinyLfuBeatsLruBy20Percent); // no hits is not better than none
        Assert.True((Row(0, 0) with { TinyLfu = new HitCount(1, 1000) }).TinyLfuBeatsLruBy20Percent);
    }

    [Fact]
    public void Passed_FalseWhenStrictLruMissesThePublishedRow()
    {
        var published = new PublishedRatio("t", "LRU", 100, 50.01m, "test");
        Assert.True(RunOf(Row(500, 500, published: published with { Percent = 50.00m })).Passed);

        var run = RunOf(Row(500, 500, published: published));
        Assert.False(run.Passed);
        Assert.Single(run.LruMismatches);
    }

    [Fact]
    public void Passed_FalseWhenFileCacheStatisticsDisagree()
    {
        Assert.False(RunOf(Row(500, 500, inconsistency: "counters differ")).Passed);
    }

    [Fact]
    public void Render_ShowsEveryColumn()
    {
        var published = new PublishedRatio("t", "LRU", 100, 50m, "test");
        string report = Report.Render(RunOf(Row(500, 512, published: published)));

        Assert.Contains("| capacity | strict LRU % | CLOCK % | Δ | TinyLFU % | Δ | BitFaster LFU % | pub. LFU % | pub. LRU % | match |", report, StringComparison.Ordinal);
        Assert.Contains("| 100 | 50.00 | 51.20 | +1.20 | 0.00 | -50.00 | n/a |  | 50.00 | yes |", report, StringComparison.Ordinal);
        Assert.Contains("Result: PASS", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Program_ExitCode_ReflectsThePublishedLruCheck()
    {
        using var dir = new TempTraces();
        dir.Write("a.txt", "1\n1\n2\n2\n1\n"); // capacity 2 holds both keys: three hits in five, 60 %, whatever the policy

        dir.Write(PublishedRatios.FileName, "trace,policy,cache_size_entries,hit_ratio_percent,source\r\nA,LRU,2,60.00,test\r\n");
        string output = dir.Path + "/report.md";
        Assert.Equal(0, RunProgram("--traces", dir.Path, "--out", output));
        Assert.Contains("| 2 | 60.00 |", File.ReadAllText(output), StringComparison.Ordinal);

        dir.Write(PublishedRatios.FileName, "trace,policy,cache_size_entries,hit_ratio_percent,source\nA,LRU,2,60.01,test\n");
        Assert.Equal(1, RunProgram("--traces", dir.Path));

        // A published LRU row that no trace file can check is a failure too, not a silent skip.
        dir.Write(PublishedRatios.FileName, "trace,policy,cache_size_entries,hit_ratio_percent,source\nA,LRU,2,60.00,test\nB,LRU,2,20.00,test\n");
        Assert.Equal(1, RunProgram("--traces", dir.Path));
    }

    [Fact]
    public void Program_MissingTracesFolder_Exits2()
    {
        Assert.Equal(2, RunProgram("--traces", System.IO.Path.Combine(System.IO.Path.GetTempPath(), "no-such-traces-" + Guid.NewGuid().ToString("N"))));
        Assert.Equal(2, RunProgram("--bogus"));
    }

    private static int RunProgram(params string[] args)
    {
        var entry = typeof(StrictLru).Assembly.EntryPoint!;
        return (int)entry.Invoke(null, [args])!;
    }

    private sealed class TempTraces : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("hitrate-tests-").FullName;

        public void Write(string name, string text) => File.WriteAllText(System.IO.Path.Combine(Path, name), text);

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
