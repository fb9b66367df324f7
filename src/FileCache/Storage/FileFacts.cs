namespace FileCache.Storage;

/// <summary>
/// What a cached file records about itself besides its key and bytes, packed into 40 bytes with
/// 8-byte alignment (a <see cref="FileVersion"/>, with its 16-byte-aligned hash, and a <see cref="DateTimeOffset"/> take more): the version, when it was read, whether it
/// was written just before, and whether the cache wrote it. The content hash, off by default, is an object of its own
/// that only hashed files pay for.
/// </summary>
internal readonly struct FileFacts
{
    private readonly long _length;
    private readonly long _lastWriteUtcTicks;
    private readonly ContentHashBox? _contentHash;
    private readonly long _readAtUtcTicks;
    private readonly short _lastWriteOffsetMinutes;
    private readonly short _readAtOffsetMinutes;
    private readonly byte _flags;

    private const byte RacyFlag = 2;
    private const byte WrittenFlag = 8;

    public FileFacts(FileVersion version, DateTimeOffset readAt, bool racy, bool written = false)
    {
        _length = version.Length;
        _lastWriteUtcTicks = version.LastWriteTimeUtc.UtcTicks;
        _lastWriteOffsetMinutes = (short)version.LastWriteTimeUtc.TotalOffsetMinutes;
        _contentHash = version.ContentHash is { } hash ? new ContentHashBox(hash) : null;
        _readAtUtcTicks = readAt.UtcTicks;
        _readAtOffsetMinutes = (short)readAt.TotalOffsetMinutes;
        _flags = (byte)((racy ? RacyFlag : 0) | (written ? WrittenFlag : 0));
    }

    public FileVersion Version => new(_length, Rebuild(_lastWriteUtcTicks, _lastWriteOffsetMinutes), _contentHash?.Value);

    public DateTimeOffset ReadAt => Rebuild(_readAtUtcTicks, _readAtOffsetMinutes);

    public bool Racy => (_flags & RacyFlag) != 0;

    /// <summary>Heap bytes the facts hold besides themselves: the content hash's object, when there is one (header, method table, 16 bytes).</summary>
    public long OwnBytes => _contentHash is null ? 0 : 32;

    /// <summary>True when the bytes came from the cache's own write rather than a read.</summary>
    public bool Written => (_flags & WrittenFlag) != 0;

    private static DateTimeOffset Rebuild(long utcTicks, short offsetMinutes)
    {
        long offsetTicks = offsetMinutes * TimeSpan.TicksPerMinute;
        return new DateTimeOffset(utcTicks + offsetTicks, new TimeSpan(offsetTicks));
    }
}

/// <summary>A file's 128-bit content hash, held apart from <see cref="FileFacts"/> so that files without one do not pay for it.</summary>
internal sealed class ContentHashBox(UInt128 value)
{
    public UInt128 Value { get; } = value;
}
