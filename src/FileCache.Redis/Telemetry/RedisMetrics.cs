using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FileCache.Redis.Telemetry;

/// <summary>The node's counters (always kept, for <see cref="RedisCoherenceStatus"/>) and its instruments (recorded only when someone listens).</summary>
internal sealed class RedisMetrics : IDisposable
{
    internal static readonly ActivitySource Source = new(RedisCoherenceTelemetry.MeterName);

    private readonly Meter _meter;
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
        _meter = factory?.Create(RedisCoherenceTelemetry.MeterName) ?? new Meter(RedisCoherenceTelemetry.MeterName);
        _ackDuration = _meter.CreateHistogram<double>(RedisCoherenceTelemetry.AcknowledgementDuration, "s", "From publishing an invalidation to every live member's acknowledgement.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30] });
        _leaseLosses = _meter.CreateCounter<long>(RedisCoherenceTelemetry.LeaseLosses, description: "Times this node's lease ran out.");
        _gaps = _meter.CreateCounter<long>(RedisCoherenceTelemetry.LogGaps, description: "Gaps found in the log.");
        _demotions = _meter.CreateCounter<long>(RedisCoherenceTelemetry.Demotions, description: "Demotions of every entry.");
        _applied = _meter.CreateCounter<long>(RedisCoherenceTelemetry.Applied, description: "Remote invalidations applied.");
        _l2 = _meter.CreateCounter<long>(RedisCoherenceTelemetry.L2Requests, description: "L2 lookups.");
        _rejections = _meter.CreateCounter<long>(RedisCoherenceTelemetry.HashRejections, description: "L2 payloads refused by their hash.");
        _meter.CreateObservableGauge(RedisCoherenceTelemetry.Degraded, () => degraded() ? 1 : 0, description: "1 while the node is degraded.");
    }

    public void AckCompleted(TimeSpan elapsed, string outcome)
    {
        if (outcome == "timeout")
        {
            Interlocked.Increment(ref AckTimeouts);
        }

        if (_ackDuration.Enabled)
        {
            _ackDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    public void LeaseLost()
    {
        Interlocked.Increment(ref LeaseLosses);
        _leaseLosses.Add(1);
    }

    public void Gap(string kind)
    {
        Interlocked.Increment(ref LogGaps);
        _gaps.Add(1, new KeyValuePair<string, object?>("kind", kind));
    }

    public void Demoted(string reason)
    {
        Interlocked.Increment(ref Demotions);
        _demotions.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }

    public void AppliedRemote()
    {
        Interlocked.Increment(ref Applied);
        _applied.Add(1);
    }

    public void L2(bool hit)
    {
        Interlocked.Increment(ref hit ? ref L2Hits : ref L2Misses);
        _l2.Add(1, new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));
    }

    public void HashRejected()
    {
        Interlocked.Increment(ref HashRejections);
        _rejections.Add(1);
    }

    public void Dispose() => _meter.Dispose();
}
