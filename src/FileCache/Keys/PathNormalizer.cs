using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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

    /// <summary>
    /// True when <paramref name="path"/> is already canonical, 16 (or 8) chars at a time: a char is refused when it
    /// is <c>\</c> or NUL, or a <c>/</c> right after a <c>/</c> (an empty segment); a <c>.</c> right after a
    /// <c>/</c> (a segment starting with a dot, rare: ".git", "..", ".") sends the path to the exact scalar check.
    /// </summary>
    internal static bool IsCanonicalRelative(string path)
    {
        ReadOnlySpan<char> span = path;
        int length = span.Length;
        char first = span[0];
        if (first is '/' or '.' or '\\' or '\0' || span[^1] == '/' || (length > 1 && span[1] == ':')
            || length < 9 || !Vector128.IsHardwareAccelerated)
        {
            return IsCanonicalRelativeScalar(span);
        }

        ref ushort start = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(span));
        return Vector256.IsHardwareAccelerated && length > Vector256<ushort>.Count
            ? Check256(ref start, span)
            : Check128(ref start, span);
    }

    // Check256 and Check128 are the same loop over vectors of 16 and 8 chars; the caller has checked char 0.
    private static bool Check256(ref ushort start, ReadOnlySpan<char> span)
    {
        int length = span.Length;
        for (int i = 1; ; i += Vector256<ushort>.Count)
        {
            // The last block overlaps the one before it rather than leaving a scalar tail.
            int at = Math.Min(i, length - Vector256<ushort>.Count);
            var current = Vector256.LoadUnsafe(ref start, (nuint)at);
            var afterSlash = Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)(at - 1)), Vector256.Create((ushort)'/'));
            var refused = Vector256.Equals(current, Vector256.Create((ushort)'\\'))
                | Vector256.Equals(current, Vector256<ushort>.Zero)
                | (afterSlash & Vector256.Equals(current, Vector256.Create((ushort)'/')));
            if (refused != Vector256<ushort>.Zero)
            {
                return false;
            }

            if ((afterSlash & Vector256.Equals(current, Vector256.Create((ushort)'.'))) != Vector256<ushort>.Zero)
            {
                return IsCanonicalRelativeScalar(span);
            }

            if (at + Vector256<ushort>.Count >= length)
            {
                return true;
            }
        }
    }

    private static bool Check128(ref ushort start, ReadOnlySpan<char> span)
    {
        int length = span.Length;
        for (int i = 1; ; i += Vector128<ushort>.Count)
        {
            int at = Math.Min(i, length - Vector128<ushort>.Count);
            var current = Vector128.LoadUnsafe(ref start, (nuint)at);
            var afterSlash = Vector128.Equals(Vector128.LoadUnsafe(ref start, (nuint)(at - 1)), Vector128.Create((ushort)'/'));
            var refused = Vector128.Equals(current, Vector128.Create((ushort)'\\'))
                | Vector128.Equals(current, Vector128<ushort>.Zero)
                | (afterSlash & Vector128.Equals(current, Vector128.Create((ushort)'/')));
            if (refused != Vector128<ushort>.Zero)
            {
                return false;
            }

            if ((afterSlash & Vector128.Equals(current, Vector128.Create((ushort)'.'))) != Vector128<ushort>.Zero)
            {
                return IsCanonicalRelativeScalar(span);
            }

            if (at + Vector128<ushort>.Count >= length)
            {
                return true;
            }
        }
    }

    internal static bool IsCanonicalRelativeScalar(ReadOnlySpan<char> path)
    {
        // One pass: every segment must be non-empty, not "." or "..", and free of '\' and NUL.
        int segmentStart = 0;
        for (int i = 0; i <= path.Length; i++)
        {
            char c = i < path.Length ? path[i] : '/';
            if (c == '/')
            {
                int length = i - segmentStart;
                if (length == 0
                    || (length == 1 && path[segmentStart] == '.')
                    || (length == 2 && path[segmentStart] == '.' && path[segmentStart + 1] == '.'))
                {
                    return false;
                }

                segmentStart = i + 1;
            }
            else if (c == '\\' || c == '\0' || (c == ':' && i == 1))
            {
                return false;
            }
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
