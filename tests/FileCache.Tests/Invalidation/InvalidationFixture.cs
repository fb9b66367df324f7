using FileCache.Invalidation;
using FileCache.Storage;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.Invalidation;

/// <summary>Caches for invalidation tests: derived-data projects, or a project rooted in a temporary directory.</summary>
internal static class InvalidationFixture
{
    public static FileCacheEntryOptions Sized => new() { Size = 100 };

    public static DefaultFileCache Create(
        FakeTimeProvider? time = null,
        IEnumerable<IInvalidationStrategy>? strategies = null,
        IEnumerable<IInvalidationHook>? hooks = null,
        Action<InvalidationOptions>? configure = null,
        params string[] projects)
    {
        var options = new FileCacheOptions { MaxBytes = 1L << 30 };
        options.Invalidation.Mode = ValidationMode.None;
        configure?.Invoke(options.Invalidation);
        foreach (string project in projects.Length == 0 ? ["p"] : projects)
        {
            options.AddProject(project, null);
        }

        return new DefaultFileCache(options, time ?? new FakeTimeProvider(), strategies: strategies, hooks: hooks);
    }

    public static DefaultFileCache CreateRooted(string root, TimeProvider time, Action<InvalidationOptions>? configure = null, IEnumerable<IInvalidationHook>? hooks = null)
    {
        var options = new FileCacheOptions { MaxBytes = 1L << 30 };
        configure?.Invoke(options.Invalidation);
        options.AddProject("p", root);
        return new DefaultFileCache(options, time, hooks: hooks);
    }

    public static FileKey Put(IFileCache cache, string path, string? variant = null, FileCacheEntryOptions? options = null, string project = "p")
    {
        var key = cache.CreateKey(project, path, variant);
        Assert.True(cache.Set(key, "value of " + path, options ?? Sized));
        return key;
    }

    public static bool Has(IFileCache cache, in FileKey key) => cache.TryGet(key, out string? _);
}
