using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace FileCache.Warming;

/// <summary>
/// The binary format of a hot-set manifest. A 24-byte header — magic <c>FCHS</c>, format version, flags, payload
/// length, XxHash64 of the payload — then the payload: the project's name, when it was taken, and the entries hottest
/// first. Reading checks everything before trusting anything: a foreign file (wrong magic), another format version,
/// a truncated or oversized file, a checksum mismatch, a payload that does not parse to its exact end, or a manifest
/// of another project, is refused with the reason (the caller logs it and starts cold).
/// </summary>
public static class HotSetManifest
{
    /// <summary>The format version written and the only one read.</summary>
    public const ushort FormatVersion = 1;

    /// <summary>The most entries a manifest may hold.</summary>
    public const int MaxEntries = 1_000_000;

    /// <summary>The largest manifest file read, in bytes (larger files are refused unread).</summary>
    public const long MaxFileBytes = 256L * 1024 * 1024;

    private const int HeaderLength = 24;
    private const int MaxDependencies = 1024;
    private static ReadOnlySpan<byte> Magic => "FCHS"u8;

    /// <summary>Serializes a hot set.</summary>
    /// <param name="hotSet">The hot set.</param>
    /// <returns>The manifest's bytes.</returns>
    public static byte[] Serialize(HotSet hotSet)
    {
        ArgumentNullException.ThrowIfNull(hotSet);
        if (hotSet.Entries.Count > MaxEntries)
        {
            throw new ArgumentException($"A manifest holds at most {MaxEntries} entries (was {hotSet.Entries.Count}).", nameof(hotSet));
        }

        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(hotSet.Project);
            writer.Write(hotSet.TakenAt.UtcTicks);
            writer.Write(hotSet.Entries.Count);
            foreach (var entry in hotSet.Entries)
            {
                writer.Write(entry.Path);
                WriteOptional(writer, entry.Variant);
                writer.Write(entry.Version.HasValue);
                if (entry.Version is { } version)
                {
                    writer.Write(version.Length);
                    writer.Write(version.LastWriteTimeUtc.UtcTicks);
                }

                writer.Write(entry.Rank);
                writer.Write(entry.Size);
                writer.Write(Math.Min(entry.Dependencies.Count, MaxDependencies));
                for (int i = 0; i < entry.Dependencies.Count && i < MaxDependencies; i++)
                {
                    var dependency = entry.Dependencies[i];
                    writer.Write(dependency.Project);
                    writer.Write(dependency.Path);
                    WriteOptional(writer, dependency.Variant);
                }
            }
        }

        var body = payload.GetBuffer().AsSpan(0, (int)payload.Length);
        var bytes = new byte[HeaderLength + body.Length];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), 0);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), body.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(16), XxHash64.HashToUInt64(body));
        body.CopyTo(bytes.AsSpan(HeaderLength));
        return bytes;
    }

    /// <summary>Parses a manifest, checking its header, checksum, structure and project.</summary>
    /// <param name="bytes">The manifest's bytes.</param>
    /// <param name="expectedProject">The project it must belong to, or <see langword="null"/> for any.</param>
    /// <param name="hotSet">The hot set read.</param>
    /// <param name="error">Why the manifest was refused.</param>
    /// <returns><see langword="true"/> when the manifest is whole and belongs to the project.</returns>
    public static bool TryParse(ReadOnlySpan<byte> bytes, string? expectedProject, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HotSet? hotSet, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        hotSet = null;
        if (bytes.Length < HeaderLength || !bytes[..4].SequenceEqual(Magic))
        {
            error = bytes.Length < 4 ? "too short to be a manifest" : "not a hot-set manifest (wrong magic)";
            return false;
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(bytes[4..]);
        if (version != FormatVersion)
        {
            error = $"format version {version}, this build reads {FormatVersion}";
            return false;
        }

        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(bytes[6..]);
        if (flags != 0)
        {
            error = $"unknown flags 0x{flags:x4}";
            return false;
        }

        long length = BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]);
        if (length != bytes.Length - HeaderLength)
        {
            error = length > bytes.Length - HeaderLength ? $"truncated ({bytes.Length - HeaderLength} of {length} payload bytes)" : "trailing bytes after the payload";
            return false;
        }

        var body = bytes[HeaderLength..];
        if (XxHash64.HashToUInt64(body) != BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]))
        {
            error = "checksum mismatch (corrupt)";
            return false;
        }

        try
        {
            hotSet = ParsePayload(body.ToArray(), out error);
        }
        catch (Exception ex) when (ex is EndOfStreamException or FormatException or ArgumentException or IOException)
        {
            error = $"malformed payload ({ex.Message})";
            return false;
        }

        if (hotSet is null)
        {
            error ??= "malformed payload";
            return false;
        }

        if (expectedProject is not null && !string.Equals(hotSet.Project, expectedProject, StringComparison.Ordinal))
        {
            error = $"it belongs to project '{hotSet.Project}'";
            hotSet = null;
            return false;
        }

        return true;
    }

    private static HotSet? ParsePayload(byte[] body, out string? error)
    {
        using var reader = new BinaryReader(new MemoryStream(body, writable: false), Encoding.UTF8);
        string project = reader.ReadString();
        var takenAt = new DateTimeOffset(ReadTicks(reader), TimeSpan.Zero);
        int count = reader.ReadInt32();
        if (count < 0 || count > MaxEntries)
        {
            error = $"entry count {count} out of range";
            return null;
        }

        // Every entry takes at least 20 bytes: a count larger than that allows is a lie, caught before allocating for it.
        var entries = new List<HotSetEntry>(Math.Min(count, body.Length / 20));
        for (int i = 0; i < count; i++)
        {
            string path = reader.ReadString();
            string? variant = ReadOptional(reader);
            FileVersion? version = null;
            if (reader.ReadBoolean())
            {
                long fileLength = reader.ReadInt64();
                version = new FileVersion(fileLength, new DateTimeOffset(ReadTicks(reader), TimeSpan.Zero));
            }

            double rank = reader.ReadDouble();
            long size = reader.ReadInt64();
            int dependencyCount = reader.ReadInt32();
            if (dependencyCount < 0 || dependencyCount > MaxDependencies || path.Length == 0 || size < 0 || !double.IsFinite(rank))
            {
                error = $"entry {i} is malformed";
                return null;
            }

            var dependencies = dependencyCount == 0 ? [] : new HotSetDependency[dependencyCount];
            for (int d = 0; d < dependencyCount; d++)
            {
                dependencies[d] = new HotSetDependency(reader.ReadString(), reader.ReadString(), ReadOptional(reader));
            }

            entries.Add(new HotSetEntry(path, variant, version, rank, size, dependencies));
        }

        if (reader.BaseStream.Position != body.Length)
        {
            error = "bytes left after the last entry";
            return null;
        }

        error = null;
        return new HotSet(project, takenAt, entries);
    }

    private static long ReadTicks(BinaryReader reader)
    {
        long ticks = reader.ReadInt64();
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            throw new FormatException("a time stamp is out of range");
        }

        return ticks;
    }

    private static void WriteOptional(BinaryWriter writer, string? value)
    {
        writer.Write(value is not null);
        if (value is not null)
        {
            writer.Write(value);
        }
    }

    private static string? ReadOptional(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;
}
