namespace FileCache.Invalidation;

/// <summary>A read-only view of the cache for <see cref="IInvalidationStrategy"/>: each call returns a snapshot.</summary>
public interface IInvalidationScope
{
    /// <summary>Gets the names of the projects registered now (a snapshot).</summary>
    IReadOnlyList<string> Projects { get; }

    /// <summary>
    /// Returns the keys at or under a path of a project, in time proportional to their number (a path index, not a
    /// scan): cached keys and keys that cached entries depend on.
    /// </summary>
    /// <param name="project">The project.</param>
    /// <param name="directory">A normalized relative path (<c>/</c> separators); empty for the whole project.</param>
    /// <returns>The keys.</returns>
    IReadOnlyList<FileKey> KeysUnder(string project, string directory);

    /// <summary>Returns the cached keys stored with a tag.</summary>
    /// <param name="tag">The tag.</param>
    /// <returns>The keys.</returns>
    IReadOnlyList<FileKey> KeysTagged(string tag);

    /// <summary>Gets the file version a cached file entry was read at.</summary>
    /// <param name="key">The key.</param>
    /// <param name="version">The version, when found.</param>
    /// <returns><see langword="true"/> when a file entry is cached under the key.</returns>
    bool TryGetVersion(in FileKey key, out FileVersion version);
}
