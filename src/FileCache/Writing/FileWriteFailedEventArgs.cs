namespace FileCache.Writing;

/// <summary>A write that could not reach the disk: a failed flush (retried), a conflict or a write lost at dispose (not retried).</summary>
public sealed class FileWriteFailedEventArgs : EventArgs
{
    /// <summary>Initializes a new instance of the <see cref="FileWriteFailedEventArgs"/> class.</summary>
    /// <param name="key">The file's key.</param>
    /// <param name="exception">Why it failed: an <see cref="IOException"/>, a <see cref="FileWriteConflictException"/>, ...</param>
    /// <param name="attempt">The number of attempts so far (1 for the first).</param>
    /// <param name="willRetry">Whether the write stays pending and is tried again.</param>
    public FileWriteFailedEventArgs(FileKey key, Exception exception, int attempt, bool willRetry)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Key = key;
        Exception = exception;
        Attempt = attempt;
        WillRetry = willRetry;
    }

    /// <summary>Gets the file's key.</summary>
    public FileKey Key { get; }

    /// <summary>Gets why the write failed.</summary>
    public Exception Exception { get; }

    /// <summary>Gets the number of attempts so far.</summary>
    public int Attempt { get; }

    /// <summary>Gets a value indicating whether the write stays pending (dirty) and is retried after a back-off.</summary>
    public bool WillRetry { get; }

    /// <summary>Gets a value indicating whether the file was changed on disk by someone else while the write was pending.</summary>
    public bool IsConflict => Exception is FileWriteConflictException;
}
