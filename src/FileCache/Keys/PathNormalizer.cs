using FileCache.Internal;

namespace FileCache.Keys;

/// <summary>
/// Turns a caller's path into the canonical relative form used in keys: <c>/</c> separators, no empty,
/// <c>.</c> or <c>..</c> segments, no leading or trailing separator. A path that is already canonical is
/// returned as the same instance, so normalizing it allocates nothing.
/// </summary>
internal static class PathNormalizer
{
    /// <summary>Normalizes <paramref name="path"/> for a project whose root is <paramref name="root"/> (canonical, absolute, or null).</summary>
    public static string Normalize(string path, string? root, bool ignoreCase, string paramName)
    {
        if (path is null)
        {
            throw new ArgumentNullException(paramName);
        }

        if (path.Length == 0)
        {
            Throw.Argument("The path must not be empty.", paramName);
        }

        if (IsCanonicalRelative(path))
        {
            return path;
        }

        return NormalizeSlow(path, root, ignoreCase, paramName);
    }

    /// <summary>Canonicalizes an absolute directory path (a project root), without a trailing separator.</summary>
    public static string NormalizeRoot(string rootPath)
    {
        string full = Path.GetFullPath(rootPath).Replace('\\', '/');
        return full.Length > 1 ? full.TrimEnd('/') : full;
    }

    private static readonly System.Buffers.SearchValues<char> Forbidden = System.Buffers.SearchValues.Create("\\\0");

    private static bool IsCanonicalRelative(string path)
    {
        // Vectorized passes instead of a loop over every char: no '\' or NUL anywhere, no empty segment
        // (a leading, trailing or doubled '/'), no drive prefix, and every '.' checked for a "." or ".."
        // segment. A typical path has one or two dots (its extension), so the last loop is short.
        ReadOnlySpan<char> span = path;
        if (span[0] == '/' || span[^1] == '/' || (span.Length > 1 && span[1] == ':')
            || span.IndexOfAny(Forbidden) >= 0 || span.IndexOf("//", StringComparison.Ordinal) >= 0)
        {
            return false;
        }

        int dot = span.IndexOf('.');
        while (dot >= 0)
        {
            if (dot == 0 || span[dot - 1] == '/')
            {
                // The dot starts a segment: "." or ".." are not canonical, ".editorconfig" is.
                int next = dot + 1;
                if (next < span.Length && span[next] == '.')
                {
                    next++;
                }

                if (next == span.Length || span[next] == '/')
                {
                    return false;
                }
            }

            int following = span[(dot + 1)..].IndexOf('.');
            dot = following < 0 ? -1 : dot + 1 + following;
        }

        return true;
    }

    private static string NormalizeSlow(string path, string? root, bool ignoreCase, string paramName)
    {
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            Throw.Argument("The path must not contain a NUL character.", paramName);
        }

        string unified = path.Replace('\\', '/');
        bool rooted = unified[0] == '/' || (unified.Length >= 2 && unified[1] == ':' && char.IsAsciiLetter(unified[0]));
        if (!rooted)
        {
            return Resolve(unified, path, paramName);
        }

        if (root is null)
        {
            Throw.Argument($"The absolute path '{path}' is refused: the project has no root directory.", paramName);
        }

        // Resolve the absolute path, then require it to lie strictly under the root.
        string absolute = unified[0] == '/' ? "/" + Resolve(unified, path, paramName, allowEmpty: true) : unified[..2] + "/" + Resolve(unified[2..], path, paramName, allowEmpty: true);
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        string prefix = root.EndsWith('/') ? root : root + "/";
        if (!absolute.StartsWith(prefix, comparison) || absolute.Length == prefix.Length)
        {
            Throw.Argument($"The path '{path}' escapes the project's root directory.", paramName);
        }

        return absolute[prefix.Length..];
    }

    private static string Resolve(string unified, string original, string paramName, bool allowEmpty = false)
    {
        var segments = new List<string>();
        foreach (string segment in unified.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count == 0)
                {
                    Throw.Argument($"The path '{original}' escapes the project's root directory.", paramName);
                }

                segments.RemoveAt(segments.Count - 1);
                continue;
            }

            segments.Add(segment);
        }

        if (segments.Count == 0 && !allowEmpty)
        {
            Throw.Argument($"The path '{original}' names the project's root, not a file.", paramName);
        }

        return string.Join('/', segments);
    }
}
