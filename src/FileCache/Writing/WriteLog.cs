using Microsoft.Extensions.Logging;

namespace FileCache.Writing;

/// <summary>Log messages of the write path (source-generated: nothing is formatted when the level is off).</summary>
internal static partial class WriteLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Flush of {Key} failed (attempt {Attempt}); the write stays pending and is retried.")]
    public static partial void FlushFailed(ILogger logger, Exception exception, FileKey key, int attempt);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "Pending write of {Key} not flushed: the file changed on disk meanwhile.")]
    public static partial void Conflict(ILogger logger, Exception exception, FileKey key);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "Pending write of {Key} lost: still unflushed when the cache was disposed.")]
    public static partial void Lost(ILogger logger, Exception exception, FileKey key);
}
