using System.Collections.Concurrent;
using FileCache.Cluster;
using FileCache.Loading;
using FileCache.Peers.Membership;
using FileCache.Peers.Security;
using FileCache.Peers.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FileCache.Peers.Routing;

/// <summary>
/// The peer layer of one node: the membership and its placement, the load stage that sends a miss to its owner
/// (PeerRouter.Fetch.cs), the owner's side of the call (<see cref="Endpoints.PeerEndpoint"/>), one circuit per
/// owner, and the counters. Lives only on the miss path: a hit never sees it. See <c>Internal/readme.md</c>.
/// </summary>
internal sealed partial class PeerRouter : IFileCachePeers, IDisposable
{
    private readonly IServiceProvider _services;
    private readonly PeerOptions _options;
    private readonly TimeProvider _time;
    private readonly Lazy<IPeerMembership> _membership;
    private readonly Lazy<IClusterMembership?> _cluster;
    private readonly ConcurrentDictionary<string, CircuitBreaker> _breakers = new(StringComparer.Ordinal);
    private readonly HttpClient _client;
    private readonly string _prefix;
    private View _view = View.Empty;
    private int _disposed;

    public PeerRouter(IServiceProvider services, PeerOptions options, TimeProvider time)
    {
        _services = services;
        _options = options;
        _time = time;
        Logger = services.GetService<ILoggerFactory>()?.CreateLogger("FileCache.Peers") ?? NullLogger.Instance;
        Metrics = new PeerMetrics(services.GetService<System.Diagnostics.Metrics.IMeterFactory>());
        Signer = new PeerSigner(options.SharedKey!, options.MaxRequestAge);
        _prefix = options.PathPrefix.TrimEnd('/');
        _cluster = new Lazy<IClusterMembership?>(() => services.GetService<IClusterMembership>());
        _membership = new Lazy<IPeerMembership>(CreateMembership);
        var handler = options.HandlerFactory?.Invoke() ?? new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        Mirror = new MirrorPolicy(options.HotKeyThreshold, options.MirrorBudgetShare, time, () =>
            (services.GetRequiredService<IFileCache>(), services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FileCacheOptions>>().Value.MaxBytes));
        Stage = RunAsync;
    }

    /// <summary>Gets the stage's delegate (one instance, so registering twice is recognized).</summary>
    public FileLoadStage Stage { get; }

    public string NodeId => _options.NodeId ?? _cluster.Value?.NodeId ?? string.Empty;

    public PeerPlacement Placement => CurrentView().Placement;

    internal PeerOptions Options => _options;

    internal TimeProvider Time => _time;

    internal PeerMetrics Metrics { get; }

    internal MirrorPolicy Mirror { get; }

    internal PeerSigner Signer { get; }

    internal ILogger Logger { get; }

    internal IClusterMembership? Cluster => _cluster.Value;

    internal IPeerMembership Membership => _membership.Value;

    public IReadOnlyList<PeerNode> GetOwners(string project, string path) => Placement.GetOwners(project, path, _options.ReplicaCount);

    public PeerStatistics GetStatistics() => Metrics.Snapshot();

    /// <summary>True when this node is one of the key's owners in its current view (or knows no other node).</summary>
    internal bool IsOwner(string project, string path)
    {
        var view = CurrentView();
        return view.Self >= 0 && OwnerIndex(view, PeerPlacement.HashKey(project, path), out _) < 0;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _client.Dispose();
        if (_membership.IsValueCreated && _membership.Value is IDisposable disposable)
        {
            disposable.Dispose();
        }

        Metrics.Dispose();
    }

    /// <summary>
    /// The owner to ask for a key: -1 when this node is an owner (or no other node is known), otherwise the index of one
    /// owner. With several replicas, each caller picks one by its own id, so the owners share the callers.
    /// </summary>
    private int OwnerIndex(View view, ulong keyHash, out int owners)
    {
        var placement = view.Placement;
        Span<int> best = stackalloc int[Math.Min(_options.ReplicaCount, 16)];
        owners = placement.Rank(keyHash, best);
        if (owners == 0)
        {
            return -1;
        }

        for (int i = 0; i < owners; i++)
        {
            if (best[i] == view.Self)
            {
                return -1;
            }
        }

        return best[(int)((keyHash ^ view.SelfHash) % (ulong)owners)];
    }

    private View CurrentView()
    {
        var members = _membership.Value.Members;
        var view = Volatile.Read(ref _view);
        if (!ReferenceEquals(view.Members, members))
        {
            // Built once per membership change; a race builds it twice, harmlessly.
            var placement = new PeerPlacement(members);
            string self = NodeId;
            view = new View(members, placement, placement.IndexOf(self), PeerPlacement.HashKey(self, string.Empty));
            Volatile.Write(ref _view, view);
        }

        return view;
    }

    private IPeerMembership CreateMembership()
    {
        var logger = Logger;
        if (_options.MembershipFactory is { } factory)
        {
            return factory(_services);
        }

        if (_options.Members.Count > 0)
        {
            return new StaticPeerMembership(_options.Members);
        }

        if (_options.DnsName is not null)
        {
            return new DnsPeerMembership(_options, _time, logger).Start();
        }

        var cluster = _cluster.Value ?? throw new InvalidOperationException(
            "PeerOptions.UseClusterMembership needs an IClusterMembership (for example AddRedisCoherence with an AdvertisedAddress).");
        return new ClusterPeerMembership(cluster, _options, _time, logger).Start();
    }

    private CircuitBreaker BreakerOf(PeerNode owner) =>
        _breakers.GetOrAdd(owner.Id, static (_, o) => new CircuitBreaker(o.BreakerFailureThreshold, o.BreakerBreakDuration, o.Time), (BreakerFailureThreshold: _options.BreakerFailureThreshold, BreakerBreakDuration: _options.BreakerBreakDuration, Time: _time));

    /// <summary>One membership's placement, with this node's index in it (-1 when not a member).</summary>
    private sealed record View(IReadOnlyList<PeerNode> Members, PeerPlacement Placement, int Self, ulong SelfHash)
    {
        public static readonly View Empty = new([], new PeerPlacement([]), -1, 0);
    }
}
