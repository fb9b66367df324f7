using System.Diagnostics.CodeAnalysis;

namespace FileCache;

/// <summary>Typed reads over <see cref="IFileCache"/>.</summary>
public static class FileCacheExtensions
{
    /// <summary>Gets a cached value of type <typeparamref name="T"/> without loading it.</summary>
    /// <typeparam name="T">The value's type (<see cref="CachedFile"/> for file bytes).</typeparam>
    /// <param name="cache">The cache.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value, when found.</param>
    /// <returns><see langword="true"/> when a live value of type <typeparamref name="T"/> is cached under the key.</returns>
    /// <remarks>A value of another type under the key is counted as a hit by the statistics (the key was found) and returns <see langword="false"/>.</remarks>
    public static bool TryGet<T>(this IFileCache cache, in FileKey key, [MaybeNullWhen(false)] out T value)
    {
        ArgumentNullException.ThrowIfNull(cache);
        if (cache.TryGetValue(key, out object? found) && found is T typed)
        {
            value = typed;
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Gets a cached value of type <typeparamref name="T"/> without loading it.</summary>
    /// <typeparam name="T">The value's type (<see cref="CachedFile"/> for file bytes).</typeparam>
    /// <param name="cache">The cache.</param>
    /// <param name="project">The project's name.</param>
    /// <param name="path">The path relative to the project's root.</param>
    /// <param name="value">The value, when found.</param>
    /// <returns><see langword="true"/> when a live value of type <typeparamref name="T"/> is cached under the key.</returns>
    /// <remarks>A value of another type under the key is counted as a hit by the statistics (the key was found) and returns <see langword="false"/>.</remarks>
    public static bool TryGet<T>(this IFileCache cache, string project, string path, [MaybeNullWhen(false)] out T value)
    {
        ArgumentNullException.ThrowIfNull(cache);
        if (cache.TryGetValue(project, path, out object? found) && found is T typed)
        {
            value = typed;
            return true;
        }

        value = default;
        return false;
    }
}
