namespace FileCache.Telemetry;

/// <summary>
/// Names of the cache's <see cref="System.Diagnostics.Metrics.Meter"/>, <see cref="System.Diagnostics.ActivitySource"/>
/// and instruments, for subscribing (OpenTelemetry: <c>AddMeter(FileCacheTelemetry.MeterName)</c>) and for dashboards.
/// </summary>
/// <remarks>
/// Tags: <c>result</c> (<c>hit</c>, <c>miss</c>), <c>reason</c> (<c>capacity</c>, <c>expired</c>, <c>removed</c>,
/// <c>replaced</c>, <c>invalidated</c>), <c>cause</c> (<c>key</c>, <c>project</c>, <c>clear</c>, <c>project_removed</c>, ...),
/// <c>outcome</c> (<c>success</c>, <c>failure</c>) and, only with <see cref="Statistics.FileCacheStatisticsOptions.PerProjectMetrics"/>,
/// <c>project</c>. Keys are never tags.
/// </remarks>
public static class FileCacheTelemetry
{
    /// <summary>The name of the meter and of the activity source: the package's name.</summary>
    public const string MeterName = "Ferrule.FileCache";

    /// <summary>The name of the activity source (the same as <see cref="MeterName"/>).</summary>
    public const string ActivitySourceName = MeterName;

    /// <summary>The meter tag naming the cache (<see cref="FileCacheOptions.Name"/>; a keyed cache's key): absent for an unnamed cache.</summary>
    public const string CacheNameTag = "filecache.cache.name";

    /// <summary>Reads (observable counter, tag <c>result</c>).</summary>
    public const string Requests = "filecache.requests";

    /// <summary>Completed loads (observable counter).</summary>
    public const string Loads = "filecache.loads";

    /// <summary>Loads that threw or were cancelled (observable counter).</summary>
    public const string LoadFailures = "filecache.load.failures";

    /// <summary>Entries that left the cache (observable counter, tag <c>reason</c>).</summary>
    public const string Evictions = "filecache.evictions";

    /// <summary>Values refused for being larger than the budget, a quota or the entry limit (observable counter).</summary>
    public const string Rejections = "filecache.rejections";

    /// <summary>Invalidation requests (counter, tag <c>cause</c>).</summary>
    public const string Invalidations = "filecache.invalidations";

    /// <summary>Entries dropped by invalidations (counter, tag <c>cause</c>).</summary>
    public const string InvalidatedEntries = "filecache.invalidation.entries";

    /// <summary>Values compressed (counter).</summary>
    public const string Compressions = "filecache.compressions";

    /// <summary>Bytes saved by compression: original minus stored (counter, bytes).</summary>
    public const string CompressionSavedBytes = "filecache.compression.saved";

    /// <summary>Memory alerts: bytes held crossed a configured fraction of the budget (counter, tag <c>threshold</c>).</summary>
    public const string MemoryAlerts = "filecache.memory.alerts";

    /// <summary>Writes (observable counter, tag <c>mode</c>: <c>through</c>, <c>behind</c>).</summary>
    public const string Writes = "filecache.writes";

    /// <summary>Write-behind flushes that wrote a file (observable counter).</summary>
    public const string WriteFlushes = "filecache.write.flushes";

    /// <summary>Writes that did not reach the disk (observable counter, tag <c>kind</c>: <c>error</c> (retried), <c>conflict</c>, <c>lost</c>).</summary>
    public const string WriteFailures = "filecache.write.failures";

    /// <summary>Files with a write-behind not yet flushed (observable gauge).</summary>
    public const string WritesPending = "filecache.write.pending";

    /// <summary>Bytes of write-behinds not yet flushed (observable gauge, bytes), bounded by <c>Writing.MaxPendingBytes</c>.</summary>
    public const string WritePendingBytes = "filecache.write.pending.bytes";

    /// <summary>Write-behinds that found the pending writes at their bound (observable counter, tag <c>outcome</c>: <c>waited</c>, <c>refused</c>).</summary>
    public const string WriteBackPressure = "filecache.write.backpressure";

    /// <summary>Hit durations, sampled (histogram, seconds).</summary>
    public const string HitDuration = "filecache.hit.duration";

    /// <summary>Load durations (histogram, seconds, tag <c>outcome</c>).</summary>
    public const string LoadDuration = "filecache.load.duration";

    /// <summary>Invalidation durations (histogram, seconds, tag <c>cause</c>).</summary>
    public const string InvalidationDuration = "filecache.invalidation.duration";

    /// <summary>Entries held (observable gauge).</summary>
    public const string Entries = "filecache.entries";

    /// <summary>Bytes held (observable gauge, bytes).</summary>
    public const string Bytes = "filecache.bytes";

    /// <summary>The byte budget (observable gauge, bytes).</summary>
    public const string Budget = "filecache.budget";

    /// <summary>The activity of a load (a disk read or a loader call).</summary>
    public const string LoadActivity = "filecache.load";

    /// <summary>The activity of an invalidation that fans out over a project or the whole cache.</summary>
    public const string InvalidationActivity = "filecache.invalidate";
}
