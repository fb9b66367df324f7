namespace FileCache.Peers.Telemetry;

/// <summary>The names of the peer layer's meter, instruments and activities.</summary>
public static class PeerTelemetry
{
    /// <summary>The meter's and the activity source's name.</summary>
    public const string MeterName = "Ferrule.FileCache.Peers";

    /// <summary>Counter of misses by how they ended (tag <c>result</c>: <c>owned</c>, <c>peer</c>, <c>fallback</c>).</summary>
    public const string Requests = "filecache.peers.requests";

    /// <summary>Counter of responses refused by their hash.</summary>
    public const string HashRejections = "filecache.peers.hash_rejections";

    /// <summary>Counter of requests served as an owner (tag <c>status</c>: the HTTP status).</summary>
    public const string Served = "filecache.peers.served";

    /// <summary>Histogram of the duration of calls to owners, in seconds (tag <c>result</c>).</summary>
    public const string CallDuration = "filecache.peers.call.duration";

    /// <summary>The activity of a call to an owner.</summary>
    public const string FetchActivity = "filecache.peers.fetch";
}
