namespace FileCache;

/// <summary>Options of a file cache. Validated once at start-up and copied by the cache; later changes have no effect.</summary>
public sealed class FileCacheOptions
{
    /// <summary>The default byte budget: 256 MiB.</summary>
    public const long DefaultMaxBytes = 256L * 1024 * 1024;

    /// <summary>Gets or sets the byte budget over all projects.</summary>
    /// <value>Defaults to <see cref="DefaultMaxBytes"/> (256 MiB). Must be positive.</value>
    public long MaxBytes { get; set; } = DefaultMaxBytes;

    /// <summary>Gets or sets the largest single entry, in counted bytes, that the cache stores.</summary>
    /// <value>
    /// Defaults to <see langword="null"/>: an entry may take up to the whole budget (or its project's quota).
    /// A larger entry is refused and counted; a file read through the cache is still returned to its caller.
    /// </value>
    public long? MaxEntryBytes { get; set; }

    /// <summary>Gets or sets the expiration, relative to insertion, applied to entries that set none.</summary>
    /// <value>Defaults to <see langword="null"/>: no expiration. Must be positive when set.</value>
    public TimeSpan? DefaultAbsoluteExpiration { get; set; }

    /// <summary>Gets or sets the sliding expiration applied to entries that set none.</summary>
    /// <value>Defaults to <see langword="null"/>: no sliding expiration. Must be positive when set.</value>
    public TimeSpan? DefaultSlidingExpiration { get; set; }

    /// <summary>Gets the options of coherence with the disk (watching, checks on read) and of invalidation.</summary>
    /// <value>Defaults to <see cref="Invalidation.InvalidationOptions"/>'s defaults: watch every project root.</value>
    public Invalidation.InvalidationOptions Invalidation { get; } = new();

    /// <summary>Gets the projects registered at start-up. More can be added with <see cref="IFileCache.AddProject"/>.</summary>
    /// <value>Defaults to an empty list.</value>
    public IList<FileCacheProjectOptions> Projects { get; } = new List<FileCacheProjectOptions>();

    /// <summary>Registers a project at start-up.</summary>
    /// <param name="name">The project's name: the first part of every key.</param>
    /// <param name="rootPath">The absolute path of the project's root directory, or <see langword="null"/> for a project that only holds derived data.</param>
    /// <param name="configure">Sets further project options.</param>
    /// <returns>These options, for chaining.</returns>
    public FileCacheOptions AddProject(string name, string? rootPath, Action<FileCacheProjectOptions>? configure = null)
    {
        var project = new FileCacheProjectOptions { Name = name, RootPath = rootPath };
        configure?.Invoke(project);
        Projects.Add(project);
        return this;
    }
}
