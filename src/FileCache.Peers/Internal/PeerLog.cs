using Microsoft.Extensions.Logging;

namespace FileCache.Peers;

/// <summary>The peer layer's log messages.</summary>
internal static partial class PeerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "FileCache peers: reading the members failed ({Source}); the last view is kept.")]
    public static partial void MembershipFailed(ILogger logger, Exception exception, string source);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "FileCache peers: a response from {Owner} for {Project}:{Path} failed its hash and was refused.")]
    public static partial void HashRejected(ILogger logger, string owner, string project, string path);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "FileCache peers: the call to {Owner} failed ({Reason}); loading locally.")]
    public static partial void CallFailed(ILogger logger, Exception? exception, string owner, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "FileCache peers: the circuit to {Owner} opened after {Failures} failed calls.")]
    public static partial void CircuitOpened(ILogger logger, string owner, int failures);
}
