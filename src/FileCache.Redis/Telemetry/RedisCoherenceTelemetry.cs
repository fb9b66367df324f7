namespace FileCache.Redis.Telemetry;

/// <summary>Names of the Redis coherence layer's meter, activity source and instruments.</summary>
public static class RedisCoherenceTelemetry
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> and of the <see cref="System.Diagnostics.ActivitySource"/>.</summary>
    public const string MeterName = "Ferrule.FileCache.Redis";

    /// <summary>Histogram, seconds: from publishing an invalidation to every live member's acknowledgement; tag <c>outcome</c>.</summary>
    public const string AcknowledgementDuration = "filecache.redis.ack.duration";

    /// <summary>Counter: times this node's lease ran out.</summary>
    public const string LeaseLosses = "filecache.redis.lease.losses";

    /// <summary>Counter: gaps found in the log; tag <c>kind</c> = <c>gap</c> / <c>backwards</c> / <c>incarnation</c>.</summary>
    public const string LogGaps = "filecache.redis.log.gaps";

    /// <summary>Counter: demotions; tag <c>reason</c>.</summary>
    public const string Demotions = "filecache.redis.demotions";

    /// <summary>Counter: remote invalidations applied.</summary>
    public const string Applied = "filecache.redis.applied";

    /// <summary>Counter: L2 lookups; tag <c>result</c> = <c>hit</c> / <c>miss</c>.</summary>
    public const string L2Requests = "filecache.redis.l2.requests";

    /// <summary>Counter: L2 payloads refused because their bytes failed their hash.</summary>
    public const string HashRejections = "filecache.redis.l2.hash_rejections";

    /// <summary>Observable gauge: 1 while the node is degraded, else 0.</summary>
    public const string Degraded = "filecache.redis.degraded";

    /// <summary>Activity around a log append (with its acknowledgement wait).</summary>
    public const string PublishActivity = "filecache.redis.publish";

    /// <summary>Activity around a log read that applied entries.</summary>
    public const string ApplyActivity = "filecache.redis.apply";

    /// <summary>Activity around an L2 lookup.</summary>
    public const string L2Activity = "filecache.redis.l2";
}
