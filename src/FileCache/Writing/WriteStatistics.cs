namespace FileCache.Writing;

/// <summary>Counters of <see cref="IFileCache.WriteAsync"/> and the write-behind flusher.</summary>
/// <param name="WritesThrough">Write-through calls that reached the disk.</param>
/// <param name="WritesBehind">Write-behind calls (each updated the cache at once).</param>
/// <param name="Coalesced">Writes that replaced a pending write of the same file before its flush (one flush less each).</param>
/// <param name="Flushed">Flushes that wrote a file.</param>
/// <param name="FlushFailures">Flush attempts that failed (each is retried).</param>
/// <param name="Conflicts">Pending writes not flushed because the file changed on disk meanwhile.</param>
/// <param name="Lost">Pending writes given up: still unflushed when the cache was disposed.</param>
/// <param name="EchoesIgnored">Watcher (or poll) reports of the cache's own writes that left the fresh entry in place.</param>
/// <param name="Pending">Files with a write not yet flushed, now.</param>
/// <param name="PendingBytes">Bytes of those writes, now (bounded by <see cref="FileCacheWriteOptions.MaxPendingBytes"/>).</param>
public readonly record struct WriteStatistics(
    long WritesThrough,
    long WritesBehind,
    long Coalesced,
    long Flushed,
    long FlushFailures,
    long Conflicts,
    long Lost,
    long EchoesIgnored,
    long Pending,
    long PendingBytes)
{
    /// <summary>Gets the write-behinds that found the pending writes at their bound and waited for room (<see cref="WriteBehindFullMode.Wait"/>).</summary>
    public long Waited { get; init; }

    /// <summary>Gets the write-behinds refused because the pending writes were at their bound (<see cref="WriteBehindFullMode.Fail"/>).</summary>
    public long Refused { get; init; }
}
