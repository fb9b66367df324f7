using System.Diagnostics;
using System.Text.Json;

namespace FileCache.Cluster;

/// <summary>Appends a node's operations to its history file, one JSON line each, flushed as written.</summary>
/// <remarks>
/// Each line is flushed to the operating system before the next operation starts, so a node killed with SIGKILL loses
/// at most the operation in flight, which had not returned and so promised nothing. Thread-safe.
/// </remarks>
public sealed class HistoryWriter : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly Lock _gate = new();

    /// <summary>Opens (appending) or creates a history file.</summary>
    /// <param name="path">The file.</param>
    public HistoryWriter(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        _writer = new StreamWriter(stream) { AutoFlush = true };
    }

    /// <summary>Appends one record.</summary>
    /// <param name="record">The record.</param>
    public void Append(HistoryRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        string line = JsonSerializer.Serialize(record);
        lock (_gate)
        {
            _writer.WriteLine(line);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_gate)
        {
            _writer.Dispose();
        }
    }
}

/// <summary>Reads history files and the monotonic clock they share.</summary>
public static class HistoryFile
{
    private static readonly double s_nanosPerTick = 1e9 / Stopwatch.Frequency;

    /// <summary>Gets the machine's monotonic clock in nanoseconds (the timestamps of every history).</summary>
    /// <returns>Now, in nanoseconds of <see cref="Stopwatch"/>'s clock.</returns>
    public static long Now() => ToNanoseconds(Stopwatch.GetTimestamp());

    /// <summary>Converts a <see cref="Stopwatch"/> timestamp to nanoseconds.</summary>
    /// <param name="timestamp">The timestamp.</param>
    /// <returns>Nanoseconds.</returns>
    public static long ToNanoseconds(long timestamp) => Stopwatch.Frequency == 1_000_000_000 ? timestamp : (long)(timestamp * s_nanosPerTick);

    /// <summary>Reads every complete record of the given files. A torn last line (a node killed mid-write) is skipped.</summary>
    /// <param name="paths">The history files.</param>
    /// <returns>The records, in file order.</returns>
    public static List<HistoryRecord> Read(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var records = new List<HistoryRecord>();
        foreach (string path in paths)
        {
            string[] lines;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var reader = new StreamReader(stream))
            {
                lines = reader.ReadToEnd().Split('\n');
            }

            for (int i = 0; i < lines.Length; i++)
            {
                if (lines[i].Length == 0)
                {
                    continue;
                }

                try
                {
                    records.Add(JsonSerializer.Deserialize<HistoryRecord>(lines[i]) ?? throw new InvalidDataException($"{path}:{i + 1} is null."));
                }
                catch (JsonException) when (i == lines.Length - 1)
                {
                    // The last line, cut short by a SIGKILL: that operation had not returned.
                }
            }
        }

        return records;
    }
}
