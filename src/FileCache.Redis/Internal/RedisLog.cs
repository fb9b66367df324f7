using Microsoft.Extensions.Logging;

namespace FileCache.Redis.Internal;

/// <summary>The node's log messages (degraded mode is always logged).</summary>
internal static partial class RedisLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "FileCache node {Node} is degraded: {Reason}. Every read is checked against its source until it recovers.")]
    public static partial void Degraded(ILogger logger, string node, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "FileCache node {Node} recovered: lease renewed and log applied up to {Sequence}.")]
    public static partial void Recovered(ILogger logger, string node, long sequence);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "FileCache node {Node} demoted every entry: {Reason}.")]
    public static partial void Demoted(ILogger logger, string node, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "FileCache node {Node}: an L2 payload for {Project}:{Path} failed its hash and was refused.")]
    public static partial void HashRejected(ILogger logger, string node, string project, string path);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "FileCache node {Node}: a server call failed ({Operation}).")]
    public static partial void CallFailed(ILogger logger, Exception exception, string node, string operation);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "FileCache node {Node}: invalidation {Sequence} not acknowledged within {Timeout} by {Pending}.")]
    public static partial void AckTimedOut(ILogger logger, string node, long sequence, TimeSpan timeout, string pending);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "FileCache node {Node}: log entry {Sequence} could not be applied.")]
    public static partial void ApplyFailed(ILogger logger, Exception exception, string node, long sequence);

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "FileCache node {Node}: the hot set node {Source} published for project {Project} was ignored and removed: {Reason}.")]
    public static partial void HotSetRefused(ILogger logger, string node, string project, string source, string reason);
}
