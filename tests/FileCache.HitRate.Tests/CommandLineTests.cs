namespace FileCache.HitRate.Tests;

/// <summary>The simulator's command line: any trace path and a capacity list, so users can replay their own traces.</summary>
public class CommandLineTests
{
    [Fact]
    public void Parse_TraceFilesAndCapacities_AreTaken()
    {
        var command = CommandLine.Parse(["--trace", "/data/mine.txt", "--trace", "other.txt", "--capacities", "2000, 500,1000,500"], out string? error);
        Assert.Null(error);
        Assert.NotNull(command);
        Assert.Equal(["/data/mine.txt", "other.txt"], command.TraceFiles);
        Assert.Equal(new[] { 500, 1000, 2000 }, command.Capacities);
        Assert.Null(command.TracesDirectory);
    }

    [Theory]
    [InlineData("--capacities", "0")]
    [InlineData("--capacities", "ten")]
    [InlineData("--capacities", ",")]
    [InlineData("--bogus", "x")]
    [InlineData("--trace")]
    public void Parse_BadUsage_SaysWhy(params string[] args)
    {
        Assert.Null(CommandLine.Parse(args, out string? error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Run_OwnTraceAtOwnCapacities_ReplaysExactlyThose()
    {
        string file = Path.Combine(Path.GetTempPath(), "hitrate-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllLines(file, Enumerable.Range(0, 3000).Select(i => (i % 7).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        try
        {
            var command = CommandLine.Parse(["--trace", file, "--capacities", "3,7"], out _)!;
            var trace = AccessTrace.Load(command.TraceFiles[0]);
            var result = Simulator.RunTrace(trace, [], command.Capacities);
            Assert.Equal([3, 7], result.Rows.Select(r => r.Capacity));
            Assert.Equal(3000 - 7, result.Rows[1].Lru.Hits); // 7 keys fit: only the first read of each misses
        }
        finally
        {
            File.Delete(file);
        }
    }
}
