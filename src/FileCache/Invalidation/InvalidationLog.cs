using Microsoft.Extensions.Logging;

namespace FileCache.Invalidation;

/// <summary>Log messages of invalidation (source-generated: nothing is formatted when the level is off).</summary>
internal static partial class InvalidationLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Invalidation hook {Hook} threw {Phase} {Request}; the invalidation went on.")]
    public static partial void HookFailed(ILogger logger, Exception exception, string hook, string phase, InvalidationRequest request);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Background refresh of {Key} failed; the stale value is kept up to the maximum staleness.")]
    public static partial void RefreshFailed(ILogger logger, Exception exception, FileKey key);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "File watching of project {Project} lost events; the project was invalidated.")]
    public static partial void EventsLost(ILogger logger, Exception exception, string project);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Cannot watch project {Project}'s root; polling its cached files instead.")]
    public static partial void PollingFallback(ILogger logger, Exception exception, string project);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Watching project {Project}'s root again; polling stopped.")]
    public static partial void WatchingAgain(ILogger logger, string project);
}
