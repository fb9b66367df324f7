namespace FileCache.Storage;

/// <summary>
/// What a cached file records about itself besides its key and bytes, packed into 24 bytes (a <see cref="FileVersion"/>,
/// with its 16-byte-aligned hash, and a <see cref="DateTimeOffset"/> take more): the version, when it was read, whether it
/// was written just before, and whether the cache wrote it. What most files do not need lives in a
/// <see cref="FactsExtra"/> only they pay for: a version length other than the content's length, time offsets other than
/// zero, and the content hash (off by default).
/// </summary>
/// <remarks>
/// The version's length is the content's length for a file read whole (compressed or not, the holder knows its original
/// length), so it is not stored: the holder passes its length back to <see cref="Version"/>.
/// </remarks>
internal readonly struct FileFacts
{
    // Ticks take 62 bits (DateTime.MaxValue is below 2^62): the top two bits of the last write's hold the flags.
    private const ulong RacyBit = 1UL << 62;
    private const ulong WrittenBit = 1UL << 63;
    private const ulong TicksMask = RacyBit - 1;

    private readonly ulong _lastWrite;
    private readonly long _readAtUtcTicks;
    private readonly FactsExtra? _extra;

    public FileFacts(FileVersion version, DateTimeOffset readAt, long contentLength, bool racy, bool written = false)
    {
        _lastWrite = (ulong)version.LastWriteTimeUtc.UtcTicks | (racy ? RacyBit : 0) | (written ? WrittenBit : 0);
        _readAtUtcTicks = readAt.UtcTicks;
        short lastWriteOffset = (short)version.LastWriteTimeUtc.TotalOffsetMinutes;
        short readAtOffset = (short)readAt.TotalOffsetMinutes;
        if (version.Length != contentLength || lastWriteOffset != 0 || readAtOffset != 0 || version.ContentHash is not null)
        {
            _extra = new FactsExtra(version.Length, lastWriteOffset, readAtOffset, version.ContentHash);
        }
    }

    /// <summary>Facts from their inline part and their rare rest (how a <see cref="CachedFile"/> keeps them: the rest rides with its content).</summary>
    public FileFacts(PackedFacts packed, FactsExtra? extra)
    {
        _lastWrite = packed.LastWrite;
        _readAtUtcTicks = packed.ReadAtUtcTicks;
        _extra = extra;
    }

    /// <summary>The 16 bytes every file keeps inline.</summary>
    public PackedFacts Packed => new(_lastWrite, _readAtUtcTicks);

    /// <summary>What only some files need, or null.</summary>
    public FactsExtra? Extra => _extra;

    /// <summary>The version of a file whose content (or, compressed, original) length is <paramref name="contentLength"/>.</summary>
    public FileVersion Version(long contentLength) => _extra is { } extra
        ? new(extra.Length, Rebuild((long)(_lastWrite & TicksMask), extra.LastWriteOffsetMinutes), extra.ContentHash)
        : new(contentLength, new DateTimeOffset((long)(_lastWrite & TicksMask), TimeSpan.Zero));

    public DateTimeOffset ReadAt => Rebuild(_readAtUtcTicks, _extra?.ReadAtOffsetMinutes ?? 0);

    public bool Racy => (_lastWrite & RacyBit) != 0;

    public bool Written => (_lastWrite & WrittenBit) != 0;

    /// <summary>Heap bytes of the side object, when there is one.</summary>
    public long OwnBytes => _extra is null ? 0 : FactsExtra.Bytes;

    private static DateTimeOffset Rebuild(long utcTicks, short offsetMinutes)
    {
        long offsetTicks = offsetMinutes * TimeSpan.TicksPerMinute;
        return new DateTimeOffset(utcTicks + offsetTicks, new TimeSpan(offsetTicks));
    }
}

/// <summary>The facts few files have: a length other than their content's, non-zero time offsets, a content hash.</summary>
internal sealed class FactsExtra(long length, short lastWriteOffsetMinutes, short readAtOffsetMinutes, UInt128? contentHash)
{
    /// <summary>Header, method table, the nullable 128-bit hash (32, 16-aligned), the length and the offsets, padded.</summary>
    public const long Bytes = 72;

    public long Length { get; } = length;

    public short LastWriteOffsetMinutes { get; } = lastWriteOffsetMinutes;

    public short ReadAtOffsetMinutes { get; } = readAtOffsetMinutes;

    public UInt128? ContentHash { get; } = contentHash;
}

/// <summary>The part of <see cref="FileFacts"/> every file keeps inline (16 bytes): the last write with the two flags, and the read time.</summary>
internal readonly record struct PackedFacts(ulong LastWrite, long ReadAtUtcTicks);
