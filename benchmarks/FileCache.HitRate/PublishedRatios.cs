using System.Globalization;
using System.Text;

namespace FileCache.HitRate;

/// <summary>One row of <c>published_hit_ratios.csv</c>: a policy's hit ratio (percent) on a trace at a cache size (entries).</summary>
internal sealed record PublishedRatio(string Trace, string Policy, int Capacity, decimal Percent, string Source)
{
    /// <summary>Does <paramref name="count"/> reproduce this number? Exact to 2 decimals (half away from zero) when the
    /// published value has at most 2 decimals, otherwise within 0.005 points.</summary>
    public bool IsReproducedBy(HitCount count)
    {
        decimal hundredths = Percent * 100;
        if (hundredths == decimal.Truncate(hundredths))
        {
            return count.PercentHundredths == (long)hundredths;
        }

        return Math.Abs((decimal)count.Hits * 100 / count.Requests - Percent) <= 0.005m;
    }

    public string PercentText => Percent.ToString("0.00", CultureInfo.InvariantCulture);
}

/// <summary>Reads <c>published_hit_ratios.csv</c> (header <c>trace,policy,cache_size_entries,hit_ratio_percent,source</c>; RFC 4180 quoting).</summary>
internal static class PublishedRatios
{
    public const string FileName = "published_hit_ratios.csv";

    public const string LruPolicy = "LRU";

    /// <summary>Is the row a W-TinyLFU (Caffeine's simulator) or BitFaster ConcurrentLfu row?</summary>
    public static bool IsLfu(string policy) =>
        string.Equals(policy, "W-TinyLFU", StringComparison.Ordinal) || policy.StartsWith("ConcurrentLfu", StringComparison.Ordinal);

    public static IReadOnlyList<PublishedRatio> Load(string path)
    {
        var rows = new List<PublishedRatio>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0 || lineNumber == 1)
            {
                continue;
            }

            var fields = SplitCsvLine(line);
            if (fields.Count != 5
                || !int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out int capacity)
                || !decimal.TryParse(fields[3], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal percent))
            {
                throw new FormatException($"{path}:{lineNumber}: expected trace,policy,cache_size_entries,hit_ratio_percent,source; got '{line}'.");
            }

            rows.Add(new PublishedRatio(fields[0], fields[1], capacity, percent, fields[4]));
        }

        return rows;
    }

    /// <summary>Does the CSV's trace name (e.g. <c>GLI</c>) name the trace file <paramref name="traceName"/> (e.g. <c>gli</c>)?</summary>
    public static bool Names(string csvTrace, string traceName) => string.Equals(csvTrace, traceName, StringComparison.OrdinalIgnoreCase);

    internal static List<string> SplitCsvLine(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            throw new FormatException($"Unterminated quoted field in '{line}'.");
        }

        fields.Add(field.ToString());
        return fields;
    }
}
