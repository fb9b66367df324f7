using Microsoft.Extensions.DependencyInjection;

namespace FileCache.Tests;

/// <summary>The README's quick start, line for line but for the paths, so that it keeps compiling and doing what it says.</summary>
public class ReadmeQuickStartTests
{
    [Fact]
    public async Task QuickStart_AsWritten_ReadsHitsDerivesAndInvalidates()
    {
        using var site = new TestDirectory();
        site.Write("templates/index.html", "<h1>hello</h1>");

        var services = new ServiceCollection();
        services.AddFileCache(o =>
        {
            o.MaxBytes = 512L * 1024 * 1024;
            o.AddProject("web", site.Root, p => p.MaxBytes = 128L * 1024 * 1024);
            o.AddProject("models", rootPath: null);
        });
        using var provider = services.BuildServiceProvider();
        var cache = provider.GetRequiredService<IFileCache>();

        CachedFile page = await cache.ReadAsync("web", "templates/index.html");
        Assert.Equal(14, page.Length);
        Assert.Equal(14, page.Version.Length);

        FileKey key = cache.CreateKey("web", "templates/index.html");
        Assert.True(cache.TryGet(key, out CachedFile? hit));
        Assert.Same(page, hit);

        FileKey astKey = key.WithVariant("ast");
        int parses = 0;
        var entryOptions = new FileCacheEntryOptions { Size = 64 * 1024, SlidingExpiration = TimeSpan.FromMinutes(10) };
        var ast = await cache.GetOrAddAsync(astKey, async (k, ct) => { parses++; return await ParseAsync(k, ct); }, entryOptions);
        var again = await cache.GetOrAddAsync(astKey, (k, ct) => { parses++; return ParseAsync(k, ct); }, entryOptions);
        Assert.Same(ast, again);
        Assert.Equal(1, parses);

        Assert.True(cache.Remove(key));
        Assert.False(cache.TryGet(key, out CachedFile? _));
        Assert.Equal(1, cache.InvalidateProject("web"));
        // Hits: TryGet, the second GetOrAddAsync; misses: the first ReadAsync, the first GetOrAddAsync, TryGet after Remove.
        Assert.Equal(2.0 / 5, cache.GetStatistics().Total.HitRatio, 3);
    }

    private static ValueTask<string[]> ParseAsync(FileKey key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(new[] { "ast of", key.Path });
    }
}
