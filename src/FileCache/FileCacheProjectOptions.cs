namespace FileCache;

/// <summary>One project (workspace): a partition of the cache with its own root directory, path rules and quota.</summary>
public sealed class FileCacheProjectOptions
{
    /// <summary>Gets or sets the project's name: the first part of every key. Compared ordinally.</summary>
    /// <value>Required; no default.</value>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the absolute path of the project's root directory, which files are read from.</summary>
    /// <value>
    /// Defaults to <see langword="null"/>: the project holds only values set by the caller or produced by loaders,
    /// and <see cref="IFileCache.ReadAsync(string, string, CancellationToken)"/> is refused for it.
    /// </value>
    public string? RootPath { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether paths in this project compare case-insensitively. With a
    /// <see cref="RootPath"/>, the root must be on a case-insensitive file system (checked at registration): where
    /// <c>a.txt</c> and <c>A.TXT</c> are different files, one key for both could serve one for the other, so the project
    /// is refused.
    /// </summary>
    /// <value>Defaults to <see langword="false"/>: paths compare ordinally, as on Linux file systems.</value>
    public bool IgnoreCase { get; set; }

    /// <summary>Gets or sets the most bytes this project may hold; it evicts its own entries beyond that.</summary>
    /// <value>Defaults to <see langword="null"/>: the project shares the global budget without a quota. Must be positive when set.</value>
    public long? MaxBytes { get; set; }
}
