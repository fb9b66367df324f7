namespace FileCache.Storage;

/// <summary>
/// What a cached file records about itself besides its key and bytes, packed into 40 bytes (a
/// <see cref="FileVersion"/> and a <see cref="DateTimeOffset"/> take 56): the version, when it was read, whether it
/// was written just before, and whether its full path is joined from a project's root.
/// </summary>
internal readonly struct FileFacts
{
    private readonly long _length;
    private readonly long _lastWriteUtcTicks;
    private readonly ulong _contentHash;
    private readonly long _readAtUtcTicks;
    private readonly short _lastWriteOffsetMinutes;
    private readonly short _readAtOffsetMinutes;
    private readonly byte _flags;

    private const byte HasHashFlag = 1;
    private const byte RacyFlag = 2;
    private const byte JoinRootFlag = 4;

    public FileFacts(FileVersion version, DateTimeOffset readAt, bool racy, bool joinRoot)
    {
        _length = version.Length;
        _lastWriteUtcTicks = version.LastWriteTimeUtc.UtcTicks;
        _lastWriteOffsetMinutes = (short)version.LastWriteTimeUtc.TotalOffsetMinutes;
        _contentHash = version.ContentHash.GetValueOrDefault();
        _readAtUtcTicks = readAt.UtcTicks;
        _readAtOffsetMinutes = (short)readAt.TotalOffsetMinutes;
        _flags = (byte)((version.ContentHash.HasValue ? HasHashFlag : 0) | (racy ? RacyFlag : 0) | (joinRoot ? JoinRootFlag : 0));
    }

    public FileVersion Version => new(_length, Rebuild(_lastWriteUtcTicks, _lastWriteOffsetMinutes), (_flags & HasHashFlag) != 0 ? _contentHash : null);

    public DateTimeOffset ReadAt => Rebuild(_readAtUtcTicks, _readAtOffsetMinutes);

    public bool Racy => (_flags & RacyFlag) != 0;

    public bool JoinRoot => (_flags & JoinRootFlag) != 0;

    private static DateTimeOffset Rebuild(long utcTicks, short offsetMinutes)
    {
        long offsetTicks = offsetMinutes * TimeSpan.TicksPerMinute;
        return new DateTimeOffset(utcTicks + offsetTicks, new TimeSpan(offsetTicks));
    }
}
