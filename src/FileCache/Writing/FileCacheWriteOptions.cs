namespace FileCache.Writing;

/// <summary>Options of <see cref="IFileCache.WriteAsync"/>: write-behind timing, retries and durability.</summary>
public sealed class FileCacheWriteOptions
{
    /// <summary>Gets or sets how long a write-behind waits before its flush; writes of the same file meanwhile coalesce into one flush.</summary>
    /// <value>Defaults to 100 milliseconds. Must not be negative (zero flushes as soon as the flusher runs).</value>
    public TimeSpan WriteBehindDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets or sets the wait before the first retry of a failed flush; each further failure doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    /// <value>Defaults to 1 second. Must be positive.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest wait between retries of a failed flush.</summary>
    /// <value>Defaults to 1 minute. Must be at least <see cref="RetryDelay"/>.</value>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets how long disposing the cache waits for pending writes to be flushed.</summary>
    /// <value>
    /// Defaults to 5 seconds. Must not be negative. Writes still pending when it runs out are reported through
    /// <see cref="IFileCache.WriteFailed"/> (as lost) and logged; they are not written.
    /// </value>
    public TimeSpan DisposeFlushTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets whether a written file's bytes are forced to the storage device (fsync) before it is renamed into place.</summary>
    /// <value>
    /// Defaults to <see langword="true"/>. Without it a process crash still leaves no torn file (the rename is
    /// atomic), but a power loss may leave an empty or partial file where the rename was not yet durable.
    /// </value>
    public bool FlushToDisk { get; set; } = true;
}
