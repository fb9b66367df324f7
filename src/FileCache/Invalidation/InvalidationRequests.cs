namespace FileCache.Invalidation;

/// <summary>One key, and through cascading the entries that depend on it (<see cref="InvalidationRequest.ForKey"/>).</summary>
public sealed class KeyInvalidation : InvalidationRequest
{
    internal KeyInvalidation(in FileKey key) => Key = key;

    /// <summary>Gets the key.</summary>
    public FileKey Key { get; }

    /// <inheritdoc/>
    public override string Project => Key.Project;

    /// <inheritdoc/>
    public override string ToString() => $"key {Key}";
}

/// <summary>Everything at or under a path of a project: a file, its variants, a directory's subtree (<see cref="InvalidationRequest.ForDirectory"/>).</summary>
public sealed class DirectoryInvalidation : InvalidationRequest
{
    internal DirectoryInvalidation(string project, string directory)
    {
        Project = project;
        Directory = directory;
    }

    /// <inheritdoc/>
    public override string Project { get; }

    /// <summary>Gets the path relative to the project's root; empty for the whole tree.</summary>
    public string Directory { get; private set; }

    /// <inheritdoc/>
    public override string ToString() => $"directory {Project}:{Directory}";

    /// <summary>A copy naming <paramref name="directory"/> (the normalized form of <see cref="Directory"/>), with everything else kept.</summary>
    internal DirectoryInvalidation WithDirectory(string directory)
    {
        var copy = (DirectoryInvalidation)Copy();
        copy.Directory = directory;
        return copy;
    }
}

/// <summary>Every entry of a project whose path matches a glob (<see cref="InvalidationRequest.ForGlob"/>).</summary>
public sealed class GlobInvalidation : InvalidationRequest
{
    internal GlobInvalidation(string project, string pattern)
    {
        Project = project;
        Pattern = pattern;
    }

    /// <inheritdoc/>
    public override string Project { get; }

    /// <summary>Gets the glob, relative to the project's root (for example <c>src/**/*.cs</c>).</summary>
    public string Pattern { get; }

    /// <inheritdoc/>
    public override string ToString() => $"glob {Project}:{Pattern}";
}

/// <summary>Every entry of a project (<see cref="InvalidationRequest.ForProject"/>).</summary>
public sealed class ProjectInvalidation : InvalidationRequest
{
    internal ProjectInvalidation(string project) => Project = project;

    /// <inheritdoc/>
    public override string Project { get; }

    /// <inheritdoc/>
    public override string ToString() => $"project {Project}";
}

/// <summary>Every entry stored with a tag, in any project (<see cref="InvalidationRequest.ForTag"/>).</summary>
public sealed class TagInvalidation : InvalidationRequest
{
    internal TagInvalidation(string tag) => Tag = tag;

    /// <summary>Gets the tag.</summary>
    public string Tag { get; }

    /// <inheritdoc/>
    /// <value>Always <see langword="null"/>: a tag spans projects.</value>
    public override string? Project => null;

    /// <inheritdoc/>
    public override string ToString() => $"tag {Tag}";
}

/// <summary>The file entries of a project whose version is older than a bound (<see cref="InvalidationRequest.OlderThan"/>).</summary>
public sealed class OlderThanInvalidation : InvalidationRequest
{
    internal OlderThanInvalidation(string project, DateTimeOffset lastWriteTimeUtc)
    {
        Project = project;
        LastWriteTimeUtc = lastWriteTimeUtc;
    }

    /// <inheritdoc/>
    public override string Project { get; }

    /// <summary>Gets the bound: file entries last written before it are invalidated.</summary>
    public DateTimeOffset LastWriteTimeUtc { get; }

    /// <inheritdoc/>
    public override string ToString() => $"older than {LastWriteTimeUtc:O} in {Project}";
}

/// <summary>Every entry of every project (<see cref="InvalidationRequest.ForAll"/>; what <see cref="IFileCache.Clear"/> applies).</summary>
public sealed class AllInvalidation : InvalidationRequest
{
    internal AllInvalidation()
    {
    }

    /// <inheritdoc/>
    /// <value>Always <see langword="null"/>.</value>
    public override string? Project => null;

    /// <inheritdoc/>
    public override string ToString() => "all";
}

/// <summary>A request only a registered <see cref="IInvalidationStrategy"/> understands (<see cref="InvalidationRequest.Custom"/>).</summary>
public sealed class CustomInvalidation : InvalidationRequest
{
    internal CustomInvalidation(string name, string? project, string? argument)
    {
        Name = name;
        Project = project;
        Argument = argument;
    }

    /// <summary>Gets the request's name, which the strategy recognizes.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public override string? Project { get; }

    /// <summary>Gets the argument for the strategy, if any.</summary>
    public string? Argument { get; }

    /// <inheritdoc/>
    public override string ToString() => $"custom {Name} {Project}:{Argument}";
}
