namespace FileCache.Storage;

/// <summary>
/// What a cached file records about itself besides its key and bytes, packed into 48 bytes with
/// 8-byte alignment (a <see cref="FileVersion"/>, with its 16-byte-aligned hash, and a <see cref="DateTimeOffset"/> take more): the version, when it was read, whether it
/// was written just before, and whether the cache wrote it.
/// </summary>
internal readonly struct FileFacts
{
    private readonly long _length;
    private readonly long _lastWriteUtcTicks;
    private readonly ulong _contentHashLow;
    private readonly ulong _contentHashHigh;
    private readonly long _readAtUtcTicks;
    private readonly short _lastWriteOffsetMinutes;
    private readonly short _readAtOffsetMinutes;
    private readonly byte _flags;

    private const byte HasHashFlag = 1;
    private const byte RacyFlag = 2;
    private const byte WrittenFlag = 8;

    public FileFacts(FileVersion version, DateTimeOffset readAt, bool racy, bool written = false)
    {
        _length = version.Length;
        _lastWriteUtcTicks = version.LastWriteTimeUtc.UtcTicks;
        _lastWriteOffsetMinutes = (short)version.LastWriteTimeUtc.TotalOffsetMinutes;
        UInt128 hash = version.ContentHash.GetValueOrDefault();
        _contentHashLow = (ulong)hash;
        _contentHashHigh = (ulong)(hash >> 64);
        _readAtUtcTicks = readAt.UtcTicks;
        _readAtOffsetMinutes = (short)readAt.TotalOffsetMinutes;
        _flags = (byte)((version.ContentHash.HasValue ? HasHashFlag : 0) | (racy ? RacyFlag : 0) | (written ? WrittenFlag : 0));
    }

    public FileVersion Version => new(_length, Rebuild(_lastWriteUtcTicks, _lastWriteOffsetMinutes), (_flags & HasHashFlag) != 0 ? new UInt128(_contentHashHigh, _contentHashLow) : null);

    public DateTimeOffset ReadAt => Rebuild(_readAtUtcTicks, _readAtOffsetMinutes);

    public bool Racy => (_flags & RacyFlag) != 0;

    /// <summary>True when the bytes came from the cache's own write rather than a read.</summary>
    public bool Written => (_flags & WrittenFlag) != 0;

    private static DateTimeOffset Rebuild(long utcTicks, short offsetMinutes)
    {
        long offsetTicks = offsetMinutes * TimeSpan.TicksPerMinute;
        return new DateTimeOffset(utcTicks + offsetTicks, new TimeSpan(offsetTicks));
    }
}
