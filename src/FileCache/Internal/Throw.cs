using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace FileCache.Internal;

/// <summary>Throw helpers: keep the throwing code out of hot methods so they stay small and inlinable.</summary>
internal static class Throw
{
    [DoesNotReturn]
    public static void ObjectDisposed() => throw new ObjectDisposedException(nameof(IFileCache));

    [DoesNotReturn]
    public static void LeaseDisposed() => throw new ObjectDisposedException(nameof(FileContentLease), "A copy of this lease was disposed; its buffer has gone back to the pool.");

    [DoesNotReturn]
    public static void Argument(string message, string paramName) => throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static T Argument<T>(string message, string paramName) => throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static void ArgumentNull(string paramName, string message) => throw new ArgumentNullException(paramName, message);

    [DoesNotReturn]
    public static void UnknownProject(string project, string paramName) =>
        throw new ArgumentException($"Project '{project}' is not registered with the cache.", paramName);

    public static void IfNullOrEmptyOrNul(string? value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, paramName);
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            Argument($"'{paramName}' must not contain a NUL character.", paramName!);
        }
    }

    public static void IfInvalidVariant(string? variant, [CallerArgumentExpression(nameof(variant))] string? paramName = null)
    {
        if (variant is not null)
        {
            IfNullOrEmptyOrNul(variant, paramName);
        }
    }

    public static void IfDefaultKey(in FileKey key, [CallerArgumentExpression(nameof(key))] string? paramName = null)
    {
        if (key.IsDefault)
        {
            Argument("The key is default; create keys with IFileCache.CreateKey.", paramName!);
        }
    }
}
