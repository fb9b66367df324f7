using Microsoft.Extensions.Caching.Distributed;
using StackExchange.Redis;

namespace FileCache.Redis;

/// <summary>
/// Options of <c>AddRedisCoherence</c>: how to reach the server, the cluster's name, the lease, the log's poll, the
/// acknowledgement timeout, the revalidation interval and the L2. Validated at start-up.
/// </summary>
public sealed class RedisCoherenceOptions
{
    /// <summary>
    /// Gets or sets a StackExchange.Redis configuration string (for example <c>127.0.0.1:6379</c>) used when
    /// <see cref="ConnectionFactory"/> is not set.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>. One of the two is required.</value>
    public string? Configuration { get; set; }

    /// <summary>
    /// Gets or sets a factory of the connection (called once, on start). Takes precedence over <see cref="Configuration"/>;
    /// the connection it returns is owned by the caller and is not disposed with the node.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public Func<IServiceProvider, Task<IConnectionMultiplexer>>? ConnectionFactory { get; set; }

    /// <summary>
    /// Gets or sets the cluster's name: the nodes that share it share one log, one membership and one L2 namespace. Every
    /// server key starts with <c>filecache:{ClusterName}:</c> (the braces make it one Redis Cluster hash slot, so every
    /// script's keys are on one node).
    /// </summary>
    /// <value>Defaults to <c>"default"</c>. Letters, digits, <c>-</c>, <c>_</c> and <c>.</c>; at most 64 characters.</value>
    public string ClusterName { get; set; } = "default";

    /// <summary>Gets or sets this node's identity in the membership (unique in the cluster).</summary>
    /// <value>Defaults to <see langword="null"/>: the machine's name, the process id and a random suffix.</value>
    public string? NodeId { get; set; }

    /// <summary>
    /// Gets or sets the address this node advertises to its peers in the membership (an absolute <c>http</c> or
    /// <c>https</c> URI where its peer endpoints are mapped, for example <c>http://10.0.0.5:8080</c>). Layers that route
    /// loads between nodes (<c>Ferrule.FileCache.Peers</c>) read it through <see cref="FileCache.Cluster.IClusterMembership"/>.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>: no address (the node is a member, but no peer routes loads to it).</value>
    public string? AdvertisedAddress { get; set; }

    /// <summary>
    /// Gets or sets the read lease: a node whose last successful renewal is older than this serves nothing unverified,
    /// and the others stop waiting for its acknowledgement once the server's clock says it ran out.
    /// </summary>
    /// <value>Defaults to 5 seconds. At least 100 ms.</value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how often the lease is renewed.</summary>
    /// <value>Defaults to <see langword="null"/>: a third of <see cref="LeaseDuration"/>. Must be less than half the lease.</value>
    public TimeSpan? LeaseRenewInterval { get; set; }

    /// <summary>
    /// Gets or sets the largest error, as a fraction, of this machine's clock rate against the server's. The node's own
    /// deadline is shortened by it (clock value never matters, only rate).
    /// </summary>
    /// <value>Defaults to 0.01 (1 %). Between 0 and 0.5.</value>
    public double ClockRateErrorBound { get; set; } = 0.01;

    /// <summary>Gets or sets how often the log is read when no doorbell arrived (a lost doorbell costs this much latency).</summary>
    /// <value>Defaults to 200 ms. Positive, and less than <see cref="LeaseDuration"/>.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets the longest <c>InvalidateAsync</c> waits for every live member's acknowledgement.</summary>
    /// <value>Defaults to 10 seconds. Positive.</value>
    public TimeSpan AcknowledgementTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets a value indicating whether <c>IFileCache.InvalidateAsync</c> waits for the other nodes. When false
    /// every invalidation is fire and forget (<see cref="FileCache.Invalidation.InvalidationAcknowledgement.NotAwaited"/>):
    /// the others apply it within a poll interval, or demote.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool WaitForAcknowledgement { get; set; } = true;

    /// <summary>
    /// Gets or sets the bound on staleness for changes no node observed (for example made on a shared disk without a
    /// watcher event): every entry is checked against its source at least this often, and L2 pointers older than this
    /// are not trusted.
    /// </summary>
    /// <value>Defaults to 30 seconds. Positive.</value>
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how many entries the log keeps (older ones are trimmed; a node further behind than this demotes).</summary>
    /// <value>Defaults to 10,000. At least 16.</value>
    public int MaxLogLength { get; set; } = 10_000;

    /// <summary>Gets or sets a value indicating whether file bytes are shared between nodes through an L2 (<see cref="IDistributedCache"/>).</summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool UseL2 { get; set; }

    /// <summary>
    /// Gets or sets the L2's store. When null and <see cref="UseL2"/> is on, the <see cref="IDistributedCache"/> registered
    /// in the container is used (for example Microsoft.Extensions.Caching.StackExchangeRedis against the same server).
    /// </summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public Func<IServiceProvider, IDistributedCache>? L2Factory { get; set; }

    /// <summary>Gets or sets how long a payload stays in the L2 after it was last written (sliding).</summary>
    /// <value>Defaults to 1 hour. Positive.</value>
    public TimeSpan L2Expiration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the largest file the L2 stores.</summary>
    /// <value>Defaults to 16 MiB. Positive.</value>
    public int L2MaxFileBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Tests only (the cluster harness's <c>--no-lease-check</c>): when false, the node does not hand its lease deadline to
    /// the cache (<c>ICoherenceTarget.TrustUntil</c>), so hits are served on trust until a timer notices the lease ran
    /// out; it shows that the checker finds stale reads after a pause without the hit-path check.
    /// </summary>
    internal bool CheckLeaseOnHit { get; set; } = true;
}
