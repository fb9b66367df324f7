using Microsoft.Extensions.Caching.Hybrid;

namespace FileCache.Hybrid;

/// <summary>Creates a <see cref="HybridCache"/> backed by a FileCache, without dependency injection.</summary>
public static class FileHybridCacheFactory
{
    /// <summary>Creates a <see cref="HybridCache"/> over <paramref name="cache"/>; registers the options' project (without a root) if needed.</summary>
    /// <param name="cache">A cache made by <see cref="FileCacheFactory"/> or <c>AddFileCache</c>.</param>
    /// <param name="options">The options; defaults when null. Validated now.</param>
    /// <returns>The hybrid cache. Disposing <paramref name="cache"/> ends it.</returns>
    /// <exception cref="ArgumentException">The options are invalid, or <paramref name="cache"/> is not the built-in implementation.</exception>
    public static HybridCache Create(IFileCache cache, FileHybridCacheOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        options ??= new FileHybridCacheOptions();
        var errors = Validate(options).ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        return new FileHybridCache(cache, options);
    }

    internal static IEnumerable<string> Validate(FileHybridCacheOptions options)
    {
        if (string.IsNullOrEmpty(options.Project) || options.Project.Contains('\0', StringComparison.Ordinal))
        {
            yield return "FileHybridCacheOptions.Project must be a non-empty name without NUL characters.";
        }

        if (options.DefaultEntrySize <= 0)
        {
            yield return $"FileHybridCacheOptions.DefaultEntrySize must be positive (was {options.DefaultEntrySize}).";
        }

        if (options.DefaultExpiration <= TimeSpan.Zero)
        {
            yield return $"FileHybridCacheOptions.DefaultExpiration must be positive (was {options.DefaultExpiration}).";
        }

        if (options.ProjectSeparator is '\0' or '/' or '\\')
        {
            yield return "FileHybridCacheOptions.ProjectSeparator must not be NUL or a path separator.";
        }
    }
}
