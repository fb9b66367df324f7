using System.Runtime.CompilerServices;
using System.Text;

namespace FileCache.Storage;

/// <summary>
/// A file's name as an entry, its file and a prepared key keep it: the characters of an ASCII name (nearly every source
/// file's) as one byte each, in an array of bytes (24 bytes and the name's length, where a string takes 22 and
/// twice the length), and any other name, or a path at the project's root shared with its key, as a string.
/// </summary>
/// <remarks>
/// One name object is only ever held by the keys, entries and files of one path of one project (under its case rule),
/// so the same reference (<see cref="Same"/>) means the same path: a prepared key's hit compares nothing else.
/// </remarks>
internal readonly struct FileName
{
    private readonly object? _value;

    private FileName(object value) => _value = value;

    /// <summary>Whether there is no name (a key made without one).</summary>
    public bool IsNull => _value is null;

    /// <summary>The name's length in characters.</summary>
    public int Length => _value is byte[] bytes ? bytes.Length : ((string)_value!).Length;

    /// <summary>The name's character at <paramref name="index"/>.</summary>
    public char this[int index] => _value is byte[] bytes ? (char)bytes[index] : ((string)_value!)[index];

    /// <summary>Heap bytes of the name's object.</summary>
    public long HeapBytes => _value is byte[] bytes ? (24 + bytes.Length + 7) & ~7L : DefaultFileCache.StringBytes((string)_value!);

    /// <summary>A name that is this string itself (a path at the project's root, shared with its key).</summary>
    public static FileName Of(string name) => new(name);

    /// <summary>A name of its own for these characters: their bytes when they are all ASCII, else a string.</summary>
    public static FileName Copy(ReadOnlySpan<char> name)
    {
        if (!Ascii.IsValid(name))
        {
            return new(name.ToString());
        }

        byte[] bytes = new byte[name.Length];
        Ascii.FromUtf16(name, bytes, out _);
        return new(bytes);
    }

    /// <summary>Whether both are the same name object (entries' names are never null, so a key without one never is).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Same(FileName other) => ReferenceEquals(_value, other._value);

    /// <summary>Whether the name is <paramref name="chars"/> under <paramref name="comparison"/> (ordinal, or ordinal ignoring case).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Is(ReadOnlySpan<char> chars, StringComparison comparison)
    {
        if (_value is byte[] bytes)
        {
            return comparison == StringComparison.Ordinal ? Ascii.Equals(bytes, chars) : IsIgnoringCase(bytes, chars);
        }

        return chars.Equals((string)_value!, comparison);
    }

    /// <summary>Whether both names have the same characters under <paramref name="comparison"/>.</summary>
    public bool Is(FileName other, StringComparison comparison)
    {
        if (other._value is string text)
        {
            return Is(text, comparison);
        }

        if (_value is string own)
        {
            return other.Is(own, comparison);
        }

        var a = (byte[])_value!;
        var b = (byte[])other._value!;
        return comparison == StringComparison.Ordinal ? a.AsSpan().SequenceEqual(b) : Ascii.EqualsIgnoreCase(a, b);
    }

    /// <summary>The name as a string (a new one for an ASCII name).</summary>
    public override string ToString() => _value is byte[] bytes ? Decode(bytes) : (string)_value!;

    /// <summary><paramref name="directory"/>, a separator and the name (the name alone at the root): a key's path.</summary>
    public string After(string directory)
    {
        if (directory.Length == 0)
        {
            return ToString();
        }

        if (_value is string text)
        {
            return string.Concat(directory, "/", text);
        }

        var bytes = (byte[])_value!;
        return string.Create(directory.Length + 1 + bytes.Length, (directory, bytes), static (span, state) =>
        {
            state.directory.CopyTo(span);
            span[state.directory.Length] = '/';
            Ascii.ToUtf16(state.bytes, span[(state.directory.Length + 1)..], out _);
        });
    }

    private static string Decode(byte[] bytes) =>
        string.Create(bytes.Length, bytes, static (span, b) => Ascii.ToUtf16(b, span, out _));

    private static bool IsIgnoringCase(byte[] bytes, ReadOnlySpan<char> chars)
    {
        if (Ascii.EqualsIgnoreCase(bytes, chars))
        {
            return true;
        }

        // Ordinal-ignore-case folds some non-ASCII characters onto ASCII ones (a dotless i, a long s): compare as strings.
        return bytes.Length == chars.Length && !Ascii.IsValid(chars) && chars.Equals(Decode(bytes), StringComparison.OrdinalIgnoreCase);
    }
}
