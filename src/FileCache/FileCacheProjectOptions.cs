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
    /// and <see cref="IFileCache.ReadAsync(string, string, CancellationToken)"/> is refused for it, unless
    /// <see cref="FileProvider"/> or <see cref="Source"/> backs it.
    /// </value>
    public string? RootPath { get; set; }

    /// <summary>
    /// Gets or sets a file provider (embedded resources, a composite, a physical provider) that backs the project
    /// instead of a root directory: misses read through it (<see cref="Sources.FileProviderSource"/>).
    /// </summary>
    /// <value>
    /// Defaults to <see langword="null"/>. Excludes <see cref="RootPath"/> and <see cref="Source"/>. The cache's own
    /// watcher, polling and checks against the disk apply to a root directory only; a provider's changes reach the cache
    /// through its change tokens, registered for each file read.
    /// </value>
    public Microsoft.Extensions.FileProviders.IFileProvider? FileProvider { get; set; }

    /// <summary>Gets or sets the source that backs the project instead of a root directory (for example an in-memory source in tests).</summary>
    /// <value>Defaults to <see langword="null"/>. Excludes <see cref="RootPath"/> and <see cref="FileProvider"/>; as for <see cref="FileProvider"/>, changes reach the cache through <see cref="Sources.IFileSource.Watch"/>.</value>
    public Sources.IFileSource? Source { get; set; }

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
