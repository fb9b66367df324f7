using System.Text;
using FileCache.Sources;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.Keys;

/// <summary>
/// A case-insensitive project over a case-sensitive file system used to serve 'a.txt' for 'A.TXT' (whichever was cached
/// first) and to hit for a name that differs only in case and does not exist. Such a project is refused at
/// registration: never a silent wrong file. Real directories (the temp directory is case-sensitive on Linux).
/// </summary>
public sealed class CaseSensitivityTests : IDisposable
{
    private readonly TestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void AddProject_IgnoreCaseWithRootOnCaseSensitiveFileSystem_IsRefusedNamingTheProblem()
    {
        if (!FileSystemCase.IsCaseSensitive(_dir.Root))
        {
            return; // a case-insensitive file system (Windows, macOS): the combination is right there
        }

        _dir.Write("a.txt", "lower");
        _dir.Write("A.TXT", "UPPER");
        using var cache = FileCacheFactory.Create(new FileCacheOptions(), new FakeTimeProvider());

        var ex = Assert.Throws<ArgumentException>("project", () => cache.AddProject(new FileCacheProjectOptions { Name = "ci", RootPath = _dir.Root, IgnoreCase = true }));

        Assert.Contains("IgnoreCase", ex.Message, StringComparison.Ordinal);
        Assert.Contains("case-sensitive", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ci", cache.Projects);
    }

    [Fact]
    public void Create_IgnoreCaseWithRootOnCaseSensitiveFileSystem_FailsAtStartUp()
    {
        if (!FileSystemCase.IsCaseSensitive(_dir.Root))
        {
            return;
        }

        var options = new FileCacheOptions().AddProject("ci", _dir.Root, p => p.IgnoreCase = true);

        var ex = Assert.Throws<OptionsValidationException>(() => FileCacheFactory.Create(options, new FakeTimeProvider()));

        Assert.Contains("case-sensitive", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_CaseSensitiveProject_NamesDifferingOnlyInCaseAreDifferentFiles()
    {
        if (!FileSystemCase.IsCaseSensitive(_dir.Root))
        {
            return;
        }

        _dir.Write("a.txt", "lower");
        _dir.Write("A.TXT", "UPPER");
        using var cache = FileCacheFactory.Create(new FileCacheOptions().AddProject("p", _dir.Root), new FakeTimeProvider());

        Assert.Equal("lower", Text(await cache.ReadAsync("p", "a.txt")));
        Assert.Equal("UPPER", Text(await cache.ReadAsync("p", "A.TXT")));
        Assert.Equal("lower", Text(await cache.ReadAsync("p", "a.txt")));
        await Assert.ThrowsAsync<FileNotFoundException>(() => cache.ReadAsync("p", "A.txt").AsTask());
        Assert.False(cache.TryGet<CachedFile>("p", "A.txt", out _));
    }

    [Fact]
    public void AddProject_IgnoreCaseWithoutRoot_IsAccepted()
    {
        using var cache = FileCacheFactory.Create(new FileCacheOptions(), new FakeTimeProvider());

        cache.AddProject(new FileCacheProjectOptions { Name = "ci", IgnoreCase = true });

        Assert.Contains("ci", cache.Projects);
    }

    [Fact]
    public void IsCaseSensitive_OnLinuxTempDirectories_IsTrue_WithOrWithoutEntriesToCompare()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        Assert.True(FileSystemCase.IsCaseSensitive(_dir.Root)); // empty: a probe file
        _dir.Write("123", "digits only: nothing to swap");
        Assert.True(FileSystemCase.IsCaseSensitive(_dir.Root));
        Assert.Empty(Directory.GetFiles(_dir.Root, ".filecache-case-probe-*")); // the probe is gone
        _dir.Write("Readme.md", "letters");
        Assert.True(FileSystemCase.IsCaseSensitive(_dir.Root)); // 'rEADME.MD' does not exist
        _dir.Write("rEADME.MD", "its twin");
        Assert.True(FileSystemCase.IsCaseSensitive(_dir.Root)); // both listed: two files
    }

    private static string Text(CachedFile file) => Encoding.UTF8.GetString(file.Content.Span);
}
