using System.Net;

namespace FileCache.Peers;

/// <summary>
/// Options of <c>AddPeers</c>: this node's identity, the members (one source: a static list, DNS, the coherence layer's
/// member table, or a factory), the shared key that authenticates peer calls, replicas, timeouts, the circuit breaker
/// and hot-key mirroring. Validated at start-up.
/// </summary>
public sealed class PeerOptions
{
    /// <summary>
    /// Gets or sets this node's id as the membership names it (with DNS: its own <c>scheme://ip:port</c>; with the cluster
    /// membership: the coherence node's id, filled in when left empty). A node that is not among the members never
    /// owns a key, but still asks the owners.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>; required except with <see cref="UseClusterMembership"/>.</value>
    public string? NodeId { get; set; }

    /// <summary>Gets the members, when they are a fixed list (typically bound from configuration).</summary>
    /// <value>Defaults to empty.</value>
    public IList<PeerNode> Members { get; } = [];

    /// <summary>Gets or sets a DNS name whose addresses are the members (for example a headless service).</summary>
    /// <value>Defaults to <see langword="null"/> (not used).</value>
    public string? DnsName { get; set; }

    /// <summary>Gets or sets the port of the peer endpoints on every address <see cref="DnsName"/> resolves to.</summary>
    /// <value>Defaults to 80.</value>
    public int DnsPort { get; set; } = 80;

    /// <summary>Gets or sets the scheme of the peer endpoints found through DNS: <c>http</c> or <c>https</c>.</summary>
    /// <value>Defaults to <c>"http"</c>.</value>
    public string DnsScheme { get; set; } = "http";

    /// <summary>Gets or sets how often <see cref="DnsName"/> is resolved again.</summary>
    /// <value>Defaults to 10 seconds.</value>
    public TimeSpan DnsRefreshInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the resolver (a seam for tests).</summary>
    /// <value>Defaults to <see langword="null"/>: <see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/>.</value>
    public Func<string, CancellationToken, Task<IPAddress[]>>? DnsResolver { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the members are the coherence layer's live members
    /// (<see cref="FileCache.Cluster.IClusterMembership"/>, for example from <c>AddRedisCoherence</c> with an
    /// <c>AdvertisedAddress</c>). A node is dropped once its lease expires.
    /// </summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool UseClusterMembership { get; set; }

    /// <summary>Gets or sets how often the cluster's members are read again.</summary>
    /// <value>Defaults to 1 second.</value>
    public TimeSpan MembershipRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets a factory of any other membership.</summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public Func<IServiceProvider, IPeerMembership>? MembershipFactory { get; set; }

    /// <summary>
    /// Gets or sets the key that authenticates peer calls: every request carries an HMAC-SHA256 of its method, path,
    /// query, caller and time under it; a request without a valid one is refused (401). The same on every node; at least
    /// 32 bytes.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>; required.</value>
    public byte[]? SharedKey { get; set; }

    /// <summary>Gets or sets how far a signed request's time may be from the receiver's clock (replay window).</summary>
    /// <value>Defaults to 5 minutes.</value>
    public TimeSpan MaxRequestAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how many owners each key has (the top R of the placement); the owners share its load.</summary>
    /// <value>Defaults to 1.</value>
    public int ReplicaCount { get; set; } = 1;

    /// <summary>Gets or sets the longest wait for a connection to an owner; past it the file is loaded locally.</summary>
    /// <value>Defaults to 500 milliseconds.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets or sets the longest wait for an owner's whole answer; past it the file is loaded locally.</summary>
    /// <value>Defaults to 2 seconds.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Gets or sets how long an owner that is behind the caller on the invalidation log tries to catch up before it answers
    /// "behind" (and the caller loads locally). Less than <see cref="RequestTimeout"/>.
    /// </summary>
    /// <value>Defaults to 500 milliseconds.</value>
    public TimeSpan CatchUpTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets or sets how many consecutive failed calls to an owner open its circuit (calls skipped, loads local).</summary>
    /// <value>Defaults to 5.</value>
    public int BreakerFailureThreshold { get; set; } = 5;

    /// <summary>Gets or sets how long an open circuit stays open before one trial call is let through.</summary>
    /// <value>Defaults to 5 seconds.</value>
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the largest file fetched from or served to a peer; larger files are loaded locally.</summary>
    /// <value>Defaults to 16 MiB.</value>
    public int MaxFileBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Gets or sets the request rate (requests per second, measured over a second) from which a key fetched from an owner
    /// counts as hot, and is kept by this node (mirrored); cooler keys fetched from an owner are served to their callers
    /// but not kept, so each byte has one home in the cluster. Zero mirrors every fetched key.
    /// </summary>
    /// <value>Defaults to 0 (every fetched key is kept, like any other load).</value>
    public double HotKeyThreshold { get; set; }

    /// <summary>Gets or sets the share of the cache's byte budget that mirrored hot keys may hold on this node.</summary>
    /// <value>Defaults to 0.25.</value>
    public double MirrorBudgetShare { get; set; } = 0.25;

    /// <summary>Gets or sets the path the peer endpoints are mapped under (by <c>MapFileCachePeers</c>) and called at.</summary>
    /// <value>Defaults to <c>"/_filecache/peers"</c>.</value>
    public string PathPrefix { get; set; } = "/_filecache/peers";

    /// <summary>Gets or sets a factory of the HTTP handler under the peer client (a seam for TLS settings, proxies and tests).</summary>
    /// <value>Defaults to <see langword="null"/>: a <see cref="System.Net.Http.SocketsHttpHandler"/> with <see cref="ConnectTimeout"/>.</value>
    public Func<HttpMessageHandler>? HandlerFactory { get; set; }
}
