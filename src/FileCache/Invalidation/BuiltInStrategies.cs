using Microsoft.Extensions.FileSystemGlobbing;

namespace FileCache.Invalidation;

/// <summary>One key.</summary>
internal sealed class KeyStrategy : IInvalidationStrategy
{
    public bool CanExpand(InvalidationRequest request) => request is KeyInvalidation;

    public void Expand(InvalidationRequest request, IInvalidationScope scope, ICollection<FileKey> keys) => keys.Add(((KeyInvalidation)request).Key);

    public bool Matches(InvalidationRequest request, in FileKey key) => key == ((KeyInvalidation)request).Key;
}

/// <summary>A path and everything under it, through the path index.</summary>
internal sealed class DirectoryStrategy : IInvalidationStrategy
{
    public bool CanExpand(InvalidationRequest request) => request is DirectoryInvalidation;

    public void Expand(InvalidationRequest request, IInvalidationScope scope, ICollection<FileKey> keys)
    {
        var directory = (DirectoryInvalidation)request;
        foreach (var key in scope.KeysUnder(directory.Project, directory.Directory))
        {
            keys.Add(key);
        }
    }

    public bool Matches(InvalidationRequest request, in FileKey key) => IsUnder(key.Path, ((DirectoryInvalidation)request).Directory, key.IgnoreCase);

    internal static bool IsUnder(string path, string directory, bool ignoreCase)
    {
        if (directory.Length == 0)
        {
            return true;
        }

        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return path.StartsWith(directory, comparison) && (path.Length == directory.Length || path[directory.Length] == '/');
    }
}

/// <summary>
/// A glob (Microsoft.Extensions.FileSystemGlobbing semantics). Only the subtree under the pattern's literal
/// prefix is matched (<c>src/**/*.cs</c> looks under <c>src</c>), so a glob never scans the whole cache unless
/// it starts with a wildcard.
/// </summary>
internal sealed class GlobStrategy : IInvalidationStrategy
{
    public bool CanExpand(InvalidationRequest request) => request is GlobInvalidation;

    public void Expand(InvalidationRequest request, IInvalidationScope scope, ICollection<FileKey> keys)
    {
        var glob = (GlobInvalidation)request;
        var (prefix, pattern) = Split(glob.Pattern);
        var candidates = scope.KeysUnder(glob.Project, prefix);
        if (candidates.Count == 0)
        {
            return;
        }

        var matcher = CreateMatcher(pattern, candidates[0].IgnoreCase);
        foreach (var key in candidates)
        {
            if (matcher.Match(key.Path).HasMatches)
            {
                keys.Add(key);
            }
        }
    }

    public bool Matches(InvalidationRequest request, in FileKey key) =>
        CreateMatcher(Split(((GlobInvalidation)request).Pattern).Pattern, key.IgnoreCase).Match(key.Path).HasMatches;

    /// <summary>Splits a glob into its literal directory prefix (segments before the first wildcard) and the pattern.</summary>
    internal static (string Prefix, string Pattern) Split(string glob)
    {
        string pattern = glob.Replace('\\', '/').TrimStart('/');
        int end = 0;
        int start = 0;
        while (true)
        {
            int slash = pattern.IndexOf('/', start);
            if (slash < 0)
            {
                break;
            }

            var segment = pattern.AsSpan(start, slash - start);
            if (segment.IndexOfAny("*?[{") >= 0 || segment is "." or "..")
            {
                break;
            }

            end = slash;
            start = slash + 1;
        }

        return (pattern[..end], pattern);
    }

    private static Matcher CreateMatcher(string pattern, bool ignoreCase)
    {
        var matcher = new Matcher(ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
        matcher.AddInclude(pattern);
        return matcher;
    }
}

/// <summary>A whole project.</summary>
internal sealed class ProjectStrategy : IInvalidationStrategy
{
    public bool CanExpand(InvalidationRequest request) => request is ProjectInvalidation;

    public void Expand(InvalidationRequest request, IInvalidationScope scope, ICollection<FileKey> keys)
    {
        foreach (var key in scope.KeysUnder(((ProjectInvalidation)request).Project, string.Empty))
        {
            keys.Add(key);
        }
    }

    public bool Matches(InvalidationRequest request, in FileKey key) => true;
}

/// <summary>Every entry of every project (<see cref="IFileCache.Clear"/>).</summary>
internal sealed class AllStrategy : IInvalidationStrategy
{
    public bool CanExpand(InvalidationRequest request) => request is AllInvalidation;

    public void Expand(InvalidationRequest request, IInvalidationScope scope, ICollection<FileKey> keys)
    {
        foreach (string project in scope.Projects)
        {
            foreach (var key in scope.KeysUnder(project, string.Empty))
            {
                keys.Add(key);
            }
        }
    }

    public bool Matches(InvalidationRequest request, in FileKey key) => true;
}

/// <summary>Every entry with a tag. A load under way is fenced when it will store its entry with the tag.</summary>
internal sealed class TagStrategy : IInvalidationStrategy
{
    public bool CanExpand(InvalidationRequest request) => request is TagInvalidation;

    public void Expand(InvalidationRequest request, IInvalidationScope scope, ICollection<FileKey> keys)
    {
        foreach (var key in scope.KeysTagged(((TagInvalidation)request).Tag))
        {
            keys.Add(key);
        }
    }

    public bool Matches(InvalidationRequest request, in FileKey key) => false;

    public bool Matches(InvalidationRequest request, in FileKey key, IEnumerable<string>? tags) =>
        tags is not null && tags.Contains(((TagInvalidation)request).Tag);
}

/// <summary>File entries whose version is older than a bound. A load under way may read an old file, so it is fenced.</summary>
internal sealed class OlderThanStrategy : IInvalidationStrategy
{
    public bool CanExpand(InvalidationRequest request) => request is OlderThanInvalidation;

    public void Expand(InvalidationRequest request, IInvalidationScope scope, ICollection<FileKey> keys)
    {
        var olderThan = (OlderThanInvalidation)request;
        foreach (var key in scope.KeysUnder(olderThan.Project, string.Empty))
        {
            if (scope.TryGetVersion(key, out var version) && version.LastWriteTimeUtc < olderThan.LastWriteTimeUtc)
            {
                keys.Add(key);
            }
        }
    }

    public bool Matches(InvalidationRequest request, in FileKey key) => key.Variant is null;
}
