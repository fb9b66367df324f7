using FileCache.Invalidation;
using Microsoft.Extensions.Time.Testing;
using static FileCache.Tests.Invalidation.InvalidationFixture;

namespace FileCache.Tests.Sources;

/// <summary>Negative entries of a real directory: a created file is seen through the watcher, and under polling.</summary>
[Collection(FileCache.Tests.Invalidation.WatcherTestGroup.Name)]
public sealed class NegativeCacheDiskTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task TryReadAsync_FileCreatedLater_IsReadAfterTheWatcherSawIt()
    {
        using var dir = new TestDirectory();
        using var cache = CreateRooted(dir.Root, TimeProvider.System);
        int readsBefore = (int)cache.GetStatistics().Total.Loads + (int)cache.GetStatistics().Total.LoadFailures;
        Assert.Null(await cache.TryReadAsync("p", "static/new.css"));
        Assert.Null(await cache.TryReadAsync("p", "static/new.css"));
        Assert.Equal(readsBefore + 1, cache.GetStatistics().Total.Loads + cache.GetStatistics().Total.LoadFailures);

        dir.Write("static/new.css", "body{}");
        await cache.SynchronizeAsync("p").WaitAsync(Wait);

        var file = await cache.TryReadAsync("p", "static/new.css");
        Assert.NotNull(file);
        Assert.Equal(6, file.Length);
    }

    [Fact]
    public async Task TryReadAsync_FileCreatedLater_IsReadAfterAPoll()
    {
        using var dir = new TestDirectory();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var cache = CreateRooted(dir.Root, time, o =>
        {
            o.UsePolling = true;
            o.PollingInterval = TimeSpan.FromSeconds(5);
        });
        Assert.Null(await cache.TryReadAsync("p", "new.txt"));

        dir.Write("new.txt", "created");
        Assert.Null(await cache.TryReadAsync("p", "new.txt"));

        time.Advance(TimeSpan.FromSeconds(5));
        var file = await cache.TryReadAsync("p", "new.txt");
        Assert.NotNull(file);
        Assert.Equal(7, file.Length);
        Assert.True(cache.GetStatistics().Invalidation!.GetCount(InvalidationCause.Watcher) >= 1);
    }

    [Fact]
    public async Task TryReadAsync_FileProviderProject_ReadsThroughTheProvider()
    {
        using var dir = new TestDirectory();
        dir.Write("wwwroot/index.html", "<html/>");
        using var provider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(dir.Root);
        var options = new FileCacheOptions();
        options.Projects.Add(new FileCacheProjectOptions { Name = "site", FileProvider = provider });
        using var cache = FileCacheFactory.Create(options);

        var file = await cache.TryReadAsync("site", "wwwroot/index.html");
        Assert.NotNull(file);
        Assert.Equal(Path.Combine(dir.Root, "wwwroot", "index.html"), file.FullPath);
        Assert.Null(await cache.TryReadAsync("site", "wwwroot/missing.html"));
        await Assert.ThrowsAsync<FileNotFoundException>(async () => await cache.ReadAsync("site", "wwwroot/missing.html"));
    }
}
