using FileCache.Internal;

namespace FileCache.Invalidation;

/// <summary>
/// What to invalidate. A closed set of sealed types, one per shape, so a request carries exactly the fields its shape
/// needs: <see cref="KeyInvalidation"/>, <see cref="DirectoryInvalidation"/>, <see cref="GlobInvalidation"/>,
/// <see cref="ProjectInvalidation"/>, <see cref="TagInvalidation"/>, <see cref="OlderThanInvalidation"/>,
/// <see cref="AllInvalidation"/>, and <see cref="CustomInvalidation"/> for a registered <see cref="IInvalidationStrategy"/>.
/// Immutable; create one with the static methods and pass it to <see cref="IFileCache.InvalidateAsync"/>, and tell
/// them apart with a type pattern (<c>request is DirectoryInvalidation { Directory: "src" }</c>).
/// </summary>
public abstract class InvalidationRequest
{
    // Only the types of this assembly derive: the set of shapes is closed, and the cache pattern-matches on it.
    private protected InvalidationRequest()
    {
    }

    /// <summary>Gets the project the request is confined to, or <see langword="null"/> for one that spans projects (a tag, all, a custom request without a project).</summary>
    public abstract string? Project { get; }

    /// <summary>Gets the cause recorded in the statistics.</summary>
    /// <value>Defaults to <see cref="InvalidationCause.Explicit"/>.</value>
    public InvalidationCause Cause { get; private set; }

    /// <summary>Gets a value indicating whether entries are only marked stale and refreshed in the background (see <see cref="AsSoft"/>).</summary>
    public bool IsSoft { get; private set; }

    /// <summary>Gets a value indicating whether the request reports deleted files (set by the watcher); hooks cannot veto it.</summary>
    public bool IsDeletion { get; private set; }

    /// <summary>Gets why the entries the request names leave the cache, in <see cref="IFileCache.EntryRemoved"/> (entries that follow by cascade are <see cref="RemovalReason.Invalidated"/>).</summary>
    internal RemovalReason Reason { get; private set; } = RemovalReason.Invalidated;

    /// <summary>Gets the <c>cause</c> tag of the metrics when it is not derived from the shape and cause (<c>clear</c>, <c>project_removed</c>).</summary>
    internal string? TelemetryName { get; private set; }

    /// <summary>Invalidates one key (and, through cascading, the entries that depend on it).</summary>
    /// <param name="key">A key created by the cache.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is default.</exception>
    public static KeyInvalidation ForKey(in FileKey key)
    {
        Throw.IfDefaultKey(key);
        return new(key);
    }

    /// <summary>Invalidates everything at or under a path: a file and its variants, or a directory's whole subtree.</summary>
    /// <param name="project">The project.</param>
    /// <param name="directory">A path relative to the project's root; an empty string names the whole tree.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="project"/> is empty.</exception>
    public static DirectoryInvalidation ForDirectory(string project, string directory)
    {
        Throw.IfNullOrEmptyOrNul(project);
        ArgumentNullException.ThrowIfNull(directory);
        return new(project, directory);
    }

    /// <summary>Invalidates every entry whose path matches a glob (Microsoft.Extensions.FileSystemGlobbing syntax: <c>*</c>, <c>**</c>, <c>?</c>).</summary>
    /// <param name="project">The project.</param>
    /// <param name="pattern">The glob, relative to the project's root, for example <c>src/**/*.cs</c>.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentException">An argument is null or empty.</exception>
    public static GlobInvalidation ForGlob(string project, string pattern)
    {
        Throw.IfNullOrEmptyOrNul(project);
        Throw.IfNullOrEmptyOrNul(pattern);
        return new(project, pattern);
    }

    /// <summary>Invalidates every entry of a project; loads under way for it do not cache their results.</summary>
    /// <param name="project">The project.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentException"><paramref name="project"/> is null or empty.</exception>
    public static ProjectInvalidation ForProject(string project)
    {
        Throw.IfNullOrEmptyOrNul(project);
        return new(project);
    }

    /// <summary>Invalidates every entry stored with a tag (<see cref="FileCacheEntryOptions.Tags"/>), in any project.</summary>
    /// <param name="tag">The tag.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentException"><paramref name="tag"/> is null or empty.</exception>
    public static TagInvalidation ForTag(string tag)
    {
        Throw.IfNullOrEmptyOrNul(tag);
        return new(tag);
    }

    /// <summary>Invalidates the file entries of a project whose version (last-write time) is older than a bound.</summary>
    /// <param name="project">The project.</param>
    /// <param name="lastWriteTimeUtc">Entries whose file was last written before this are invalidated.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentException"><paramref name="project"/> is null or empty.</exception>
    public static OlderThanInvalidation OlderThan(string project, DateTimeOffset lastWriteTimeUtc)
    {
        Throw.IfNullOrEmptyOrNul(project);
        return new(project, lastWriteTimeUtc);
    }

    /// <summary>Invalidates every entry of every project; loads under way do not cache their results.</summary>
    /// <returns>The request.</returns>
    public static AllInvalidation ForAll() => new();

    /// <summary>A request that a registered <see cref="IInvalidationStrategy"/> expands.</summary>
    /// <param name="name">The request's name, which the strategy recognizes.</param>
    /// <param name="project">The project, or <see langword="null"/> for every project.</param>
    /// <param name="argument">An argument for the strategy.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    public static CustomInvalidation Custom(string name, string? project = null, string? argument = null)
    {
        Throw.IfNullOrEmptyOrNul(name);
        return new(name, project, argument);
    }

    /// <summary>
    /// Returns a soft copy of this request: entries are marked stale instead of removed; readers keep getting the
    /// old value while one background refresh per key runs, up to <see cref="InvalidationOptions.MaxStaleness"/>.
    /// Entries that cannot be refreshed (values stored with <c>Set</c>) are removed.
    /// </summary>
    /// <returns>The soft request, of the same type as this one.</returns>
    public InvalidationRequest AsSoft()
    {
        var copy = Copy();
        copy.IsSoft = true;
        return copy;
    }

    /// <summary>A copy recorded with <paramref name="cause"/>; <paramref name="deletion"/> makes it impossible to veto.</summary>
    internal InvalidationRequest With(InvalidationCause cause, bool deletion)
    {
        var copy = Copy();
        copy.Cause = cause;
        copy.IsDeletion = deletion;
        return copy;
    }

    /// <summary>A copy that removes with <paramref name="reason"/> and reports <paramref name="telemetryName"/> as its metrics cause; <paramref name="deletion"/> makes it impossible to veto.</summary>
    internal InvalidationRequest As(RemovalReason reason, string? telemetryName, bool deletion = false)
    {
        var copy = Copy();
        copy.Reason = reason;
        copy.TelemetryName = telemetryName;
        copy.IsDeletion = deletion || IsDeletion;
        return copy;
    }

    /// <summary>A shallow copy of the same type: every field of the shape and of the base is kept.</summary>
    private protected InvalidationRequest Copy() => (InvalidationRequest)MemberwiseClone();
}
