using System.Diagnostics;
using Xunit.Abstractions;

namespace FileCache.Writer.Tests;

/// <summary>
/// Runs samples/FileCache.Writer as its own process, with its own appsettings.json (only the notes root is moved to a
/// temporary directory on the command line), and checks what it prints, what it leaves on disk and that it exits by itself.
/// </summary>
public sealed class WriterSampleTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "filecache-writer-sample-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task Sample_WritesThroughAndBehind_FlushesMeetsAConflict_PrintsStatistics_AndExits()
    {
        string sample = Path.Combine(AppContext.BaseDirectory, "FileCache.Writer.dll");
        Assert.True(File.Exists(sample), sample);
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "appsettings.json")), "the sample's appsettings.json is not beside it");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(sample);
        start.ArgumentList.Add($"--FileCache:Projects:0:RootPath={_root}");

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        string printed = await stdout;
        output.WriteLine(printed);
        output.WriteLine(await stderr);
        Assert.Equal(0, process.ExitCode);
        var lines = printed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        Assert.Contains($"root: {_root}", lines);
        Assert.Contains("write-through: todo.md on disk = \"- write the sample\"", lines);
        Assert.Contains("write-behind: journal.md read = \"monday, tuesday, wednesday\", on disk = (no file), pending = 1 file(s), 26 bytes", lines);
        Assert.Contains("flushed: journal.md on disk = \"monday, tuesday, wednesday\"", lines);
        Assert.Contains("write failed: shared.md, conflict=True, will retry=False", lines);
        Assert.Contains("conflict: shared.md kept on disk = \"their edit, made elsewhere\", read = \"their edit, made elsewhere\", our unwritten bytes = \"our edit\"", lines);
        Assert.Contains(lines, line => line.StartsWith("statistics: writes through=2 behind=4 coalesced=2 flushed=1 conflicts=1 failures=0 pending=0 waited=0;", StringComparison.Ordinal));
        Assert.Equal("done", lines[^1]);

        // What the sample left on disk: its flushed writes, and the other editor's file untouched.
        Assert.Equal("- write the sample\n", await File.ReadAllTextAsync(Path.Combine(_root, "todo.md")));
        Assert.Equal("monday, tuesday, wednesday", await File.ReadAllTextAsync(Path.Combine(_root, "journal.md")));
        Assert.Equal("their edit, made elsewhere", await File.ReadAllTextAsync(Path.Combine(_root, "shared.md")));
        Assert.Empty(Directory.GetFiles(_root, ".filecache-write-*"));
    }
}
