using FileCache.Internal;

namespace FileCache.Invalidation;

/// <summary>
/// What to invalidate: a key, a directory, a glob, a project, a tag, the entries older than a version, or a
/// custom request for a registered <see cref="IInvalidationStrategy"/>. Immutable; create one with the static
/// methods and pass it to <see cref="IFileCache.Invalidate(InvalidationRequest)"/>.
/// </summary>
public sealed class InvalidationRequest
{
    private InvalidationRequest(InvalidationKind kind, string? project, FileKey key, string? path, string? tag, string? name)
    {
        Kind = kind;
        Project = project;
        Key = key;
        Path = path;
        Tag = tag;
        Name = name;
    }

    private InvalidationRequest(InvalidationRequest other)
    {
        Kind = other.Kind;
        Project = other.Project;
        Key = other.Key;
        Path = other.Path;
        Tag = other.Tag;
        Name = other.Name;
        OlderThanUtc = other.OlderThanUtc;
        Cause = other.Cause;
        IsSoft = other.IsSoft;
        IsDeletion = other.IsDeletion;
        Reason = other.Reason;
        TelemetryName = other.TelemetryName;
    }

    /// <summary>Gets what the request names.</summary>
    public InvalidationKind Kind { get; }

    /// <summary>Gets the project the request applies to (<see langword="null"/> for a tag, and for a custom request that spans projects).</summary>
    public string? Project { get; }

    /// <summary>Gets the key, for <see cref="InvalidationKind.Key"/>.</summary>
    public FileKey Key { get; }

    /// <summary>Gets the directory (<see cref="InvalidationKind.Directory"/>), the glob (<see cref="InvalidationKind.Glob"/>) or the argument of a custom request.</summary>
    public string? Path { get; }

    /// <summary>Gets the tag, for <see cref="InvalidationKind.Tag"/>.</summary>
    public string? Tag { get; }

    /// <summary>Gets the name of a custom request.</summary>
    public string? Name { get; }

    /// <summary>Gets the version bound of <see cref="InvalidationKind.OlderThan"/>: file entries last written before it are invalidated.</summary>
    public DateTimeOffset OlderThanUtc { get; private init; }

    /// <summary>Gets the cause recorded in the statistics.</summary>
    /// <value>Defaults to <see cref="InvalidationCause.Explicit"/>.</value>
    public InvalidationCause Cause { get; private init; }

    /// <summary>Gets a value indicating whether entries are only marked stale and refreshed in the background (see <see cref="AsSoft"/>).</summary>
    public bool IsSoft { get; private init; }

    /// <summary>Gets a value indicating whether the request reports deleted files (set by the watcher); hooks cannot veto it.</summary>
    public bool IsDeletion { get; private init; }

    /// <summary>Gets why the entries the request names leave the cache, in <see cref="IFileCache.EntryRemoved"/> (entries that follow by cascade are <see cref="RemovalReason.Invalidated"/>).</summary>
    internal RemovalReason Reason { get; private init; } = RemovalReason.Invalidated;

    /// <summary>Gets the <c>cause</c> tag of the metrics when it is not derived from the kind and cause (<c>clear</c>, <c>project_removed</c>).</summary>
    internal string? TelemetryName { get; private init; }

    /// <summary>Invalidates one key (and, through cascading, the entries that depend on it).</summary>
    /// <param name="key">A key created by the cache.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is default.</exception>
    public static InvalidationRequest ForKey(in FileKey key)
    {
        Throw.IfDefaultKey(key);
        return new(InvalidationKind.Key, key.Project, key, null, null, null);
    }

    /// <summary>Invalidates everything at or under a path: a file and its variants, or a directory's whole subtree.</summary>
    /// <param name="project">The project.</param>
    /// <param name="directory">A path relative to the project's root; an empty string names the whole tree.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="project"/> is empty.</exception>
    public static InvalidationRequest ForDirectory(string project, string directory)
    {
        Throw.IfNullOrEmptyOrNul(project);
        ArgumentNullException.ThrowIfNull(directory);
        return new(InvalidationKind.Directory, project, default, directory, null, null);
    }

    /// <summary>Invalidates every entry whose path matches a glob (Microsoft.Extensions.FileSystemGlobbing syntax: <c>*</c>, <c>**</c>, <c>?</c>).</summary>
    /// <param name="project">The project.</param>
    /// <param name="pattern">The glob, relative to the project's root, for example <c>src/**/*.cs</c>.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentException">An argument is null or empty.</exception>
    public static InvalidationRequest ForGlob(string project, string pattern)
    {
        Throw.IfNullOrEmptyOrNul(project);
        Throw.IfNullOrEmptyOrNul(pattern);
        return new(InvalidationKind.Glob, project, default, pattern, null, null);
    }

    /// <summary>Invalidates every entry of a project; loads under way for it do not cache their results.</summary>
    /// <param name="project">The project.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentException"><paramref name="project"/> is null or empty.</exception>
    public static InvalidationRequest ForProject(string project)
    {
        Throw.IfNullOrEmptyOrNul(project);
        return new(InvalidationKind.Project, project, default, null, null, null);
    }

    /// <summary>Invalidates every entry stored with a tag (<see cref="FileCacheEntryOptions.Tags"/>), in any project.</summary>
    /// <param name="tag">The tag.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentException"><paramref name="tag"/> is null or empty.</exception>
    public static InvalidationRequest ForTag(string tag)
    {
        Throw.IfNullOrEmptyOrNul(tag);
        return new(InvalidationKind.Tag, null, default, null, tag, null);
    }

    /// <summary>Invalidates the file entries of a project whose version (last-write time) is older than a bound.</summary>
    /// <param name="project">The project.</param>
    /// <param name="lastWriteTimeUtc">Entries whose file was last written before this are invalidated.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentException"><paramref name="project"/> is null or empty.</exception>
    public static InvalidationRequest OlderThan(string project, DateTimeOffset lastWriteTimeUtc)
    {
        Throw.IfNullOrEmptyOrNul(project);
        return new(InvalidationKind.OlderThan, project, default, null, null, null) { OlderThanUtc = lastWriteTimeUtc };
    }

    /// <summary>Invalidates every entry of every project; loads under way do not cache their results.</summary>
    /// <returns>The request.</returns>
    public static InvalidationRequest ForAll() => new(InvalidationKind.All, null, default, null, null, null);

    /// <summary>A request that a registered <see cref="IInvalidationStrategy"/> expands.</summary>
    /// <param name="name">The request's name, which the strategy recognizes.</param>
    /// <param name="project">The project, or <see langword="null"/> for every project.</param>
    /// <param name="argument">An argument for the strategy.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    public static InvalidationRequest Custom(string name, string? project = null, string? argument = null)
    {
        Throw.IfNullOrEmptyOrNul(name);
        return new(InvalidationKind.Custom, project, default, argument, null, name);
    }

    /// <summary>
    /// Returns a soft copy of this request: entries are marked stale instead of removed; readers keep getting the
    /// old value while one background refresh per key runs, up to <see cref="InvalidationOptions.MaxStaleness"/>.
    /// Entries that cannot be refreshed (values stored with <c>Set</c>) are removed.
    /// </summary>
    /// <returns>The soft request.</returns>
    public InvalidationRequest AsSoft() => new(this) { IsSoft = true };

    internal InvalidationRequest With(InvalidationCause cause, bool deletion) => new(this) { Cause = cause, IsDeletion = deletion };

    /// <summary>A copy that removes with <paramref name="reason"/> and reports <paramref name="telemetryName"/> as its metrics cause; <paramref name="deletion"/> makes it impossible to veto.</summary>
    internal InvalidationRequest As(RemovalReason reason, string? telemetryName, bool deletion = false) => new(this) { Reason = reason, TelemetryName = telemetryName, IsDeletion = deletion || IsDeletion };

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        InvalidationKind.Key => $"key {Key}",
        InvalidationKind.Directory => $"directory {Project}:{Path}",
        InvalidationKind.Glob => $"glob {Project}:{Path}",
        InvalidationKind.Project => $"project {Project}",
        InvalidationKind.Tag => $"tag {Tag}",
        InvalidationKind.OlderThan => $"older than {OlderThanUtc:O} in {Project}",
        InvalidationKind.All => "all",
        _ => $"custom {Name} {Project}:{Path}",
    };
}
