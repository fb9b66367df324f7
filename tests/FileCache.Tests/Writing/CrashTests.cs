using Xunit.Abstractions;
using System.Diagnostics;

namespace FileCache.Tests.Writing;

/// <summary>
/// A real child process (tests/FileCache.CrashWriter) writing through the cache is killed with SIGKILL while writes are
/// pending and large files are being replaced. Afterwards no file is torn and only the unflushed writes are missing.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ProcessKilledWithWritesPending_NoFileIsTorn_OnlyUnflushedWritesAreMissing()
    {
        using var dir = new TestDirectory();
        string writer = Path.Combine(AppContext.BaseDirectory, "FileCache.CrashWriter.dll");
        Assert.True(File.Exists(writer), writer);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(writer);
        start.ArgumentList.Add(dir.Root);
        using var child = Process.Start(start)!;
        int generations = 0;
        try
        {
            bool pending = false;
            var reader = Task.Run(() =>
            {
                while (child.StandardOutput.ReadLine() is { } line)
                {
                    output.WriteLine(line);
                    pending |= line == "PENDING";
                    if (line.StartsWith("GEN ", StringComparison.Ordinal) && ++generations >= 3)
                    {
                        return; // large files are being replaced right now: kill in the middle of it
                    }
                }
            });
            await reader.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(pending, "the writer stopped early");
        }
        finally
        {
            child.Kill(entireProcessTree: true); // SIGKILL: no flush on dispose, no finally blocks
            await child.WaitForExitAsync();
        }

        Assert.NotEqual(0, child.ExitCode);
        for (int i = 0; i < 20; i++)
        {
            // Flushed files hold their flushed bytes; the pending second generation of f0..f9 is missing.
            Assert.Equal(CrashPattern(i, 1), File.ReadAllText(Path.Join(dir.Root, $"flushed/f{i}.txt")));
            Assert.False(File.Exists(Path.Join(dir.Root, $"pending/p{i}.txt")));
        }

        int whole = 0;
        for (int j = 0; j < 4; j++)
        {
            string big = Path.Join(dir.Root, $"big/b{j}.bin");
            if (!File.Exists(big))
            {
                continue;
            }

            byte[] bytes = File.ReadAllBytes(big);
            Assert.Equal(1 << 20, bytes.Length);
            Assert.True(Array.TrueForAll(bytes, b => b == bytes[0]), $"{big} is torn");
            whole++;
        }

        Assert.True(whole >= 3, $"only {whole} large files were found");
    }

    private static string CrashPattern(int file, int generation) => string.Concat(Enumerable.Repeat($"file {file} generation {generation}\n", 100));
}
