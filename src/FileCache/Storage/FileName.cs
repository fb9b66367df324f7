using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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

    /// <summary>The name's ASCII bytes, or null when it is kept as a string (it has a non-ASCII character, or is a root's empty path).</summary>
    public byte[]? Bytes => _value as byte[];

    /// <summary>The name's length in characters.</summary>
    public int Length => _value is byte[] bytes ? bytes.Length : ((string)_value!).Length;

    /// <summary>Folds the characters into an FNV-1a hash (the same value for the bytes as for their string).</summary>
    public uint Fnv(uint hash)
    {
        if (_value is byte[] bytes)
        {
            foreach (byte b in bytes)
            {
                hash = (hash ^ b) * 16777619;
            }
        }
        else
        {
            foreach (char c in (string)_value!)
            {
                hash = (hash ^ c) * 16777619;
            }
        }

        return hash;
    }

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
            return comparison == StringComparison.Ordinal ? SameChars(bytes, chars) : IsIgnoringCase(bytes, chars);
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
    public string After(FileName directory)
    {
        int length = directory.Length;
        if (length == 0)
        {
            return ToString();
        }

        return string.Create(length + 1 + Length, (directory, this), static (span, state) =>
        {
            state.directory.CopyTo(span);
            span[state.directory.Length] = '/';
            state.Item2.CopyTo(span[(state.directory.Length + 1)..]);
        });
    }

    /// <summary>Copies the characters into <paramref name="destination"/>.</summary>
    public void CopyTo(Span<char> destination)
    {
        if (_value is byte[] bytes)
        {
            Ascii.ToUtf16(bytes, destination, out _);
        }
        else
        {
            ((string)_value!).CopyTo(destination);
        }
    }

    /// <summary>Whether the characters from <paramref name="start"/> on are <paramref name="chars"/> under <paramref name="comparison"/>.</summary>
    public bool IsFrom(int start, ReadOnlySpan<char> chars, StringComparison comparison)
    {
        if (_value is byte[] bytes)
        {
            var tail = bytes.AsSpan(start);
            return comparison == StringComparison.Ordinal ? SameChars(tail, chars) : IsIgnoringCase(tail, chars);
        }

        return chars.Equals(((string)_value!).AsSpan(start), comparison);
    }

    /// <summary>The hash of the characters from <paramref name="start"/> on, as <see cref="string.GetHashCode(ReadOnlySpan{char}, StringComparison)"/> gives for them.</summary>
    public int HashFrom(int start, StringComparison comparison)
    {
        if (_value is not byte[] bytes)
        {
            return string.GetHashCode(((string)_value!).AsSpan(start), comparison);
        }

        int length = bytes.Length - start;
        if (length > 256)
        {
            return string.GetHashCode(ToString(start), comparison);
        }

        Span<char> chars = stackalloc char[length];
        Ascii.ToUtf16(bytes.AsSpan(start), chars, out _);
        return string.GetHashCode(chars, comparison);
    }

    /// <summary>The characters from <paramref name="start"/> on, as a new string.</summary>
    public string ToString(int start) => _value is byte[] bytes
        ? string.Create(bytes.Length - start, (bytes, start), static (span, state) => Ascii.ToUtf16(state.bytes.AsSpan(state.start), span, out _))
        : ((string)_value!)[start..];

    /// <summary>
    /// Whether the ASCII <paramref name="bytes"/> are the characters <paramref name="chars"/>: each byte widened to a
    /// character, 16 (or 8) at a time with overlapping loads at the end, as an ordinal compare of two strings does
    /// (<see cref="Ascii.Equals(ReadOnlySpan{byte}, ReadOnlySpan{char})"/> also checks both sides are ASCII, which costs a hit
    /// about 10 ns a name here; the bytes are ASCII by construction, and a non-ASCII character never equals a widened byte).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool SameChars(ReadOnlySpan<byte> bytes, ReadOnlySpan<char> chars)
    {
        int length = bytes.Length;
        if (length != chars.Length)
        {
            return false;
        }

        ref byte b = ref MemoryMarshal.GetReference(bytes);
        ref ushort c = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(chars));
        if (length >= 16 && Vector128.IsHardwareAccelerated)
        {
            nuint last = (nuint)(length - 16);
            for (nuint i = 0; ; i += 16)
            {
                if (i > last)
                {
                    i = last;
                }

                var (low, high) = Vector128.Widen(Vector128.LoadUnsafe(ref b, i));
                if (low != Vector128.LoadUnsafe(ref c, i) || high != Vector128.LoadUnsafe(ref c, i + 8))
                {
                    return false;
                }

                if (i == last)
                {
                    return true;
                }
            }
        }

        if (length >= 8 && Vector128.IsHardwareAccelerated)
        {
            nuint last = (nuint)(length - 8);
            return Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref b)).AsByte()) == Vector128.LoadUnsafe(ref c)
                && Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, last))).AsByte()) == Vector128.LoadUnsafe(ref c, last);
        }

        for (int i = 0; i < length; i++)
        {
            if (Unsafe.Add(ref b, i) != Unsafe.Add(ref c, i))
            {
                return false;
            }
        }

        return true;
    }

    private static string Decode(byte[] bytes) =>
        string.Create(bytes.Length, bytes, static (span, b) => Ascii.ToUtf16(b, span, out _));

    private static bool IsIgnoringCase(ReadOnlySpan<byte> bytes, ReadOnlySpan<char> chars)
    {
        if (Ascii.EqualsIgnoreCase(bytes, chars))
        {
            return true;
        }

        // Ordinal-ignore-case folds some non-ASCII characters onto ASCII ones (a dotless i, a long s): compare as strings.
        return bytes.Length == chars.Length && !Ascii.IsValid(chars) && chars.Equals(Decode(bytes.ToArray()), StringComparison.OrdinalIgnoreCase);
    }
}
