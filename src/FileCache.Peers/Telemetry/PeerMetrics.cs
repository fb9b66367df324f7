using System.Diagnostics;
using System.Diagnostics.Metrics;
using FileCache.Telemetry;

namespace FileCache.Peers.Telemetry;

/// <summary>The layer's counters (always kept, for <see cref="PeerStatistics"/>) and instruments (recorded only when someone listens).</summary>
internal sealed class PeerMetrics : IDisposable
{
    internal static readonly ActivitySource Source = new(PeerTelemetry.MeterName);

    private readonly FeatureMeter _meter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _rejections;
    private readonly Counter<long> _served;
    private readonly Histogram<double> _duration;

    public long Forwarded;
    public long PeerHits;
    public long OwnedLoads;
    public long Fallbacks;
    public long HashRejections;
    public long VersionRejections;
    public long OwnerBehind;
    public long CircuitSkips;
    public long Served;
    public long Unauthorized;
    public long Misdirected;
    public long Mirrored;
    public long NotMirrored;

    public PeerMetrics(IMeterFactory? factory)
    {
        _meter = new FeatureMeter(factory, PeerTelemetry.MeterName);
        _requests = _meter.Counter(PeerTelemetry.Requests, "File misses by how the peer layer ended them.");
        _rejections = _meter.Counter(PeerTelemetry.HashRejections, "Peer responses refused by their hash.");
        _served = _meter.Counter(PeerTelemetry.Served, "Peer requests answered as an owner.");
        _duration = _meter.Seconds(PeerTelemetry.CallDuration, "Calls to owners.", [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5]);
    }

    public void Owned() => _requests.Count(ref OwnedLoads, "result", "owned");

    public void Hit() => _requests.Count(ref PeerHits, "result", "peer");

    public void Fallback() => _requests.Count(ref Fallbacks, "result", "fallback");

    public void HashRejected() => _rejections.Count(ref HashRejections);

    public void ServedWith(int status)
    {
        if (status == 200)
        {
            Interlocked.Increment(ref Served);
        }
        else if (status == 401)
        {
            Interlocked.Increment(ref Unauthorized);
        }
        else if (status == 421)
        {
            Interlocked.Increment(ref Misdirected);
        }

        _served.AddIfListened("status", status);
    }

    public void Call(TimeSpan elapsed, string result) => _duration.RecordIfListened(elapsed, "result", result);

    public PeerStatistics Snapshot() => new()
    {
        Forwarded = Interlocked.Read(ref Forwarded),
        PeerHits = Interlocked.Read(ref PeerHits),
        OwnedLoads = Interlocked.Read(ref OwnedLoads),
        Fallbacks = Interlocked.Read(ref Fallbacks),
        HashRejections = Interlocked.Read(ref HashRejections),
        VersionRejections = Interlocked.Read(ref VersionRejections),
        OwnerBehind = Interlocked.Read(ref OwnerBehind),
        CircuitSkips = Interlocked.Read(ref CircuitSkips),
        Served = Interlocked.Read(ref Served),
        Unauthorized = Interlocked.Read(ref Unauthorized),
        Misdirected = Interlocked.Read(ref Misdirected),
        Mirrored = Interlocked.Read(ref Mirrored),
        NotMirrored = Interlocked.Read(ref NotMirrored),
    };

    public void Dispose() => _meter.Dispose();
}
