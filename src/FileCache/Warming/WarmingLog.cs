using Microsoft.Extensions.Logging;

namespace FileCache.Warming;

/// <summary>Log messages of warming (source-generated: nothing is formatted when the level is off).</summary>
internal static partial class WarmingLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Hot-set manifest of project {Project} ({Path}) ignored: {Reason}. The project starts cold.")]
    public static partial void ManifestRefused(ILogger logger, string project, string path, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Hot-set manifest of project {Project} ({Path}) cannot be read. The project starts cold.")]
    public static partial void ManifestUnreadable(ILogger logger, Exception exception, string project, string path);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Writing the hot set of project {Project} failed; the previous manifest is kept.")]
    public static partial void ManifestWriteFailed(ILogger logger, Exception exception, string project);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Warming {Project}: {Completed} of {Total} items ({Loaded} loaded, {Skipped} skipped, {Bytes} bytes).")]
    public static partial void Progress(ILogger logger, string project, int completed, int total, int loaded, int skipped, long bytes);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Warming {Project} done: {Loaded} loaded, {AlreadyCached} already cached, {Changed} changed since the hot set, {Failed} failed, stopped on a full budget: {StoppedFull}.")]
    public static partial void Done(ILogger logger, string project, int loaded, int alreadyCached, int changed, int failed, bool stoppedFull);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Warming strategy {Strategy} failed; the other strategies went on.")]
    public static partial void StrategyFailed(ILogger logger, Exception exception, string strategy);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "Hot-set source {Source} failed for project {Project}; the next source is asked.")]
    public static partial void SourceFailed(ILogger logger, Exception exception, string source, string project);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Information, Message = "Prediction precision {Precision:P0} is below {Minimum:P0}: prefetching turned down.")]
    public static partial void PredictionThrottled(ILogger logger, double precision, double minimum);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Information, Message = "Prediction precision {Precision:P0} recovered: prefetching turned back up.")]
    public static partial void PredictionRecovered(ILogger logger, double precision);
}
