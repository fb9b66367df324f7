using FileCache.Storage;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests;

/// <summary>Builds caches for tests: a fake clock, and projects without a root unless one is given.</summary>
internal static class CacheFixture
{
    /// <summary>
    /// A cache that counts a declared size exactly as given (no per-entry overhead on top), so tests of eviction and
    /// expiry can reason in whole units; <c>configure</c> may turn the overhead back on (BudgetTests does).
    /// </summary>
    public static DefaultFileCache Create(long maxBytes, FakeTimeProvider? time = null, Action<FileCacheOptions>? configure = null, params string[] projects)
    {
        var options = new FileCacheOptions { MaxBytes = maxBytes, ChargeOverheadOnDeclaredSize = false };
        foreach (string project in projects.Length == 0 ? ["p"] : projects)
        {
            options.AddProject(project, null);
        }

        configure?.Invoke(options);
        return (DefaultFileCache)FileCacheFactory.Create(options, time ?? new FakeTimeProvider());
    }

    public static FileCacheEntryOptions Size(long size) => new() { Size = size };

    /// <summary>Asserts that the dictionaries, the eviction lists and the counters agree, per project and in total.</summary>
    public static void AssertConsistent(DefaultFileCache cache)
    {
        var stats = cache.GetStatistics();
        long entries = 0, bytes = 0;
        foreach (var (project, mapCount, mapBytes, listCount, countedEntries, countedBytes) in cache.Recount())
        {
            Assert.Equal(mapCount, listCount);
            Assert.Equal(mapCount, countedEntries);
            Assert.Equal(mapBytes, countedBytes);
            Assert.Equal(mapCount, stats.Projects[project].Entries);
            Assert.Equal(mapBytes, stats.Projects[project].Bytes);
            entries += mapCount;
            bytes += mapBytes;
        }

        Assert.Equal(entries, stats.Total.Entries);
        Assert.Equal(bytes, stats.Total.Bytes);
        Assert.Equal(entries, cache.Store.Count);
        Assert.Equal(bytes, cache.Store.Bytes);
        Assert.True(bytes <= stats.BudgetBytes, $"{bytes} bytes held over a budget of {stats.BudgetBytes}");
    }
}
