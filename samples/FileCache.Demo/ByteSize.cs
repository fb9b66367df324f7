using System.Globalization;

namespace FileCache.Demo;

/// <summary>Parses and prints byte counts: <c>64MB</c> is 64,000,000 bytes, <c>64MiB</c> is 64 × 1024².</summary>
internal static class ByteSize
{
    private static readonly (string Unit, long Factor)[] Units =
    [
        ("B", 1),
        ("KB", 1000L), ("MB", 1000L * 1000), ("GB", 1000L * 1000 * 1000), ("TB", 1000L * 1000 * 1000 * 1000),
        ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("TiB", 1L << 40),
    ];

    public const string Accepted = "a byte count (33554432) or a number with a unit: B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), e.g. 64MB, 64MiB, 512KB, 1.5GB";

    /// <summary>Parses a positive size; <see langword="false"/> for anything else (garbage, zero, overflow).</summary>
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        string s = text.Trim();
        int end = 0;
        while (end < s.Length && (char.IsAsciiDigit(s[end]) || s[end] == '.'))
        {
            end++;
        }

        string number = s[..end];
        string unit = s[end..].Trim();
        if (number.Length == 0 || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal value))
        {
            return false;
        }

        long factor = 1;
        if (unit.Length > 0)
        {
            int match = Array.FindIndex(Units, u => string.Equals(u.Unit, unit, StringComparison.OrdinalIgnoreCase));
            if (match < 0)
            {
                return false;
            }

            factor = Units[match].Factor;
        }

        decimal total = value * factor;
        if (total < 1 || total > long.MaxValue)
        {
            return false;
        }

        bytes = (long)decimal.Floor(total);
        return true;
    }

    /// <summary>Formats a byte count as binary units, e.g. <c>32.0 MiB</c>.</summary>
    public static string Format(long bytes)
    {
        string[] names = ["bytes", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        int i = 0;
        while (Math.Abs(value) >= 1024 && i < names.Length - 1)
        {
            value /= 1024;
            i++;
        }

        return i == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} bytes")
            : string.Create(CultureInfo.InvariantCulture, $"{value:F1} {names[i]}");
    }

    /// <summary>Formats a byte count as binary units and exactly, e.g. <c>32.0 MiB (33,554,432 bytes)</c>.</summary>
    public static string FormatExact(long bytes) => bytes < 1024
        ? Format(bytes)
        : string.Create(CultureInfo.InvariantCulture, $"{Format(bytes)} ({bytes:N0} bytes)");
}
