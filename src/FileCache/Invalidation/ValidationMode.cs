namespace FileCache.Invalidation;

/// <summary>How file entries are kept coherent with the disk.</summary>
[Flags]
public enum ValidationMode
{
    /// <summary>Nothing automatic: only explicit invalidations remove changed files.</summary>
    None = 0,

    /// <summary>A recursive file-system watcher per project root (a polling fallback where watching is unavailable).</summary>
    Watch = 1,

    /// <summary>A hit stats the file at most once per <see cref="InvalidationOptions.ValidationInterval"/> per entry.</summary>
    ValidateOnRead = 2,

    /// <summary>Both <see cref="Watch"/> and <see cref="ValidateOnRead"/>.</summary>
    WatchAndValidateOnRead = Watch | ValidateOnRead,
}
