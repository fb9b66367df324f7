using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests;

public class SmokeTests
{
    [Fact]
    public async Task ReadAsync_SecondRead_IsServedFromCache()
    {
        using var dir = new TestDirectory();
        dir.Write("src/a.txt", "hello");
        var options = new FileCacheOptions().AddProject("p", dir.Root);
        using var cache = FileCacheFactory.Create(options, new FakeTimeProvider());

        var first = await cache.ReadAsync("p", "src/a.txt");
        var second = await cache.ReadAsync("p", "./src//a.txt");

        Assert.Same(first, second);
        Assert.Equal("hello", System.Text.Encoding.UTF8.GetString(second.Content.Span));
        var stats = cache.GetStatistics().Total;
        Assert.Equal(1, stats.Hits);
        Assert.Equal(1, stats.Misses);
        Assert.Equal(1, stats.Loads);
        Assert.Equal(1, stats.Entries);
    }
}
