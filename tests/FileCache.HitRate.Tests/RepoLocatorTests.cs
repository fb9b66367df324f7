namespace FileCache.HitRate.Tests;

public class RepoLocatorTests
{
    [Fact]
    public void FindTracesDirectory_WalksUpToTheSolutionThenSharedTraces()
    {
        var root = Directory.CreateTempSubdirectory("hitrate-locator-");
        try
        {
            string repo = Directory.CreateDirectory(Path.Combine(root.FullName, "main")).FullName;
            File.WriteAllText(Path.Combine(repo, RepoLocator.SolutionFile), string.Empty);
            string deep = Directory.CreateDirectory(Path.Combine(repo, "tests", "x", "bin")).FullName;
            string traces = Directory.CreateDirectory(Path.Combine(root.FullName, "shared", "traces")).FullName;

            Assert.Equal(repo, RepoLocator.FindRepoRoot(deep));
            Assert.Equal(traces, RepoLocator.FindTracesDirectory([deep], out _));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void FindRepoRoot_NoSolutionAbove_ReturnsNull()
    {
        var root = Directory.CreateTempSubdirectory("hitrate-locator-");
        try
        {
            string deep = Directory.CreateDirectory(Path.Combine(root.FullName, "a", "b")).FullName;
            Assert.Null(RepoLocator.FindRepoRoot(deep));
            Assert.Null(RepoLocator.FindRepoRoot(null));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void BuildTimeRepoRoot_HoldsTheSolution()
    {
        string? root = RepoLocator.BuildTimeRepoRoot;
        Assert.NotNull(root);
        Assert.True(File.Exists(Path.Combine(root, RepoLocator.SolutionFile)), $"'{root}' has no {RepoLocator.SolutionFile}");
    }
}
