namespace FileCache.Invalidation;

/// <summary>What an <see cref="InvalidationRequest"/> names.</summary>
public enum InvalidationKind
{
    /// <summary>One key (<see cref="InvalidationRequest.Key"/>).</summary>
    Key = 0,

    /// <summary>Every entry at or under a path of a project (<see cref="InvalidationRequest.Path"/>): a file, its variants, and a directory's subtree.</summary>
    Directory = 1,

    /// <summary>Every entry whose path matches a glob (<see cref="InvalidationRequest.Path"/>, for example <c>src/**/*.cs</c>).</summary>
    Glob = 2,

    /// <summary>Every entry of a project.</summary>
    Project = 3,

    /// <summary>Every entry carrying a tag (<see cref="InvalidationRequest.Tag"/>).</summary>
    Tag = 4,

    /// <summary>Every file entry of a project whose version is older than <see cref="InvalidationRequest.OlderThanUtc"/>.</summary>
    OlderThan = 5,

    /// <summary>A request only a registered <see cref="IInvalidationStrategy"/> understands (<see cref="InvalidationRequest.Name"/>).</summary>
    Custom = 6,

    /// <summary>Every entry of every project (<see cref="InvalidationRequest.ForAll"/>; what <see cref="IFileCache.Clear"/> applies).</summary>
    All = 7,
}
