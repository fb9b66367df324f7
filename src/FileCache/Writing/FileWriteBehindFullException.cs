namespace FileCache.Writing;

/// <summary>
/// A write-behind was refused because the writes still pending (in the cache, not yet on disk) are at their bound
/// (<see cref="FileCacheWriteOptions.MaxPendingBytes"/>, <see cref="FileCacheWriteOptions.MaxPendingFiles"/>) and
/// <see cref="FileCacheWriteOptions.FullMode"/> is <see cref="WriteBehindFullMode.Fail"/>. The write was not made:
/// retry it later, or write it through.
/// </summary>
public sealed class FileWriteBehindFullException : IOException
{
    /// <summary>Initializes a new instance of the <see cref="FileWriteBehindFullException"/> class.</summary>
    public FileWriteBehindFullException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FileWriteBehindFullException"/> class.</summary>
    /// <param name="message">The message.</param>
    public FileWriteBehindFullException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FileWriteBehindFullException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public FileWriteBehindFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FileWriteBehindFullException"/> class.</summary>
    /// <param name="fullPath">The file whose write was refused.</param>
    /// <param name="length">The bytes of the refused write.</param>
    /// <param name="pendingBytes">The bytes pending when it was refused.</param>
    /// <param name="pendingFiles">The files pending when it was refused.</param>
    public FileWriteBehindFullException(string fullPath, long length, long pendingBytes, long pendingFiles)
        : base($"The write-behind of '{fullPath}' ({length} bytes) was refused: {pendingFiles} files ({pendingBytes} bytes) are still waiting for their flush, at the configured bound. The write was not made.")
    {
        FullPath = fullPath;
        Length = length;
        PendingBytes = pendingBytes;
        PendingFiles = pendingFiles;
    }

    /// <summary>Gets the absolute path of the file whose write was refused.</summary>
    public string FullPath { get; } = string.Empty;

    /// <summary>Gets the bytes of the refused write.</summary>
    public long Length { get; }

    /// <summary>Gets the bytes pending (not yet flushed) when the write was refused.</summary>
    public long PendingBytes { get; }

    /// <summary>Gets the files pending when the write was refused.</summary>
    public long PendingFiles { get; }
}
