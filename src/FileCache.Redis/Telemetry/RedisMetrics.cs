using System.Diagnostics;
using System.Diagnostics.Metrics;
using FileCache.Telemetry;

namespace FileCache.Redis.Telemetry;

/// <summary>The node's counters (always kept, for <see cref="RedisCoherenceStatus"/>) and its instruments (recorded only when someone listens).</summary>
internal sealed class RedisMetrics : IDisposable
{
    internal static readonly ActivitySource Source = new(RedisCoherenceTelemetry.MeterName);

    private readonly FeatureMeter _meter;
    private readonly Histogram<double> _ackDuration;
    private readonly Counter<long> _leaseLosses;
    private readonly Counter<long> _gaps;
    private readonly Counter<long> _demotions;
    private readonly Counter<long> _applied;
    private readonly Counter<long> _l2;
    private readonly Counter<long> _rejections;

    public long Applied;
    public long Published;
    public long Demotions;
    public long LogGaps;
    public long LeaseLosses;
    public long AckTimeouts;
    public long L2Hits;
    public long L2Misses;
    public long HashRejections;

    public RedisMetrics(IMeterFactory? factory, Func<bool> degraded)
    {
        _meter = new FeatureMeter(factory, RedisCoherenceTelemetry.MeterName);
        _ackDuration = _meter.Seconds(RedisCoherenceTelemetry.AcknowledgementDuration, "From publishing an invalidation to every live member's acknowledgement.", [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30]);
        _leaseLosses = _meter.Counter(RedisCoherenceTelemetry.LeaseLosses, "Times this node's lease ran out.");
        _gaps = _meter.Counter(RedisCoherenceTelemetry.LogGaps, "Gaps found in the log.");
        _demotions = _meter.Counter(RedisCoherenceTelemetry.Demotions, "Demotions of every entry.");
        _applied = _meter.Counter(RedisCoherenceTelemetry.Applied, "Remote invalidations applied.");
        _l2 = _meter.Counter(RedisCoherenceTelemetry.L2Requests, "L2 lookups.");
        _rejections = _meter.Counter(RedisCoherenceTelemetry.HashRejections, "L2 payloads refused by their hash.");
        _meter.Meter.CreateObservableGauge(RedisCoherenceTelemetry.Degraded, () => degraded() ? 1 : 0, description: "1 while the node is degraded.");
    }

    public void AckCompleted(TimeSpan elapsed, string outcome)
    {
        if (outcome == "timeout")
        {
            Interlocked.Increment(ref AckTimeouts);
        }

        _ackDuration.RecordIfListened(elapsed, "outcome", outcome);
    }

    public void LeaseLost() => _leaseLosses.Count(ref LeaseLosses);

    public void Gap(string kind) => _gaps.Count(ref LogGaps, "kind", kind);

    public void Demoted(string reason) => _demotions.Count(ref Demotions, "reason", reason);

    public void AppliedRemote() => _applied.Count(ref Applied);

    public void L2(bool hit) => _l2.Count(ref hit ? ref L2Hits : ref L2Misses, "result", hit ? "hit" : "miss");

    public void HashRejected() => _rejections.Count(ref HashRejections);

    public void Dispose() => _meter.Dispose();
}
