using FileCache.Invalidation;
using FileCache.Redis.Internal;
using FileCache.Redis.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace FileCache.Redis.Coherence;

/// <summary>
/// One node of a cluster: the cache's invalidation publisher (<see cref="IInvalidationPublisher"/>), the log's applier,
/// the lease keeper and the L2 stage's host. Split by concern: Apply (the log), Lease (membership and degraded mode),
/// Publish (appends and acknowledgements). See <c>Internal/readme.md</c>.
/// </summary>
internal sealed partial class RedisCoherenceNode : IRedisCoherence, IInvalidationPublisher, FileCache.Cluster.IClusterMembership, IDisposable
{
    private readonly IServiceProvider _services;
    private readonly RedisCoherenceOptions _options;
    private readonly TimeProvider _time;
    private readonly RedisKeys _keys;
    private readonly RedisMetrics _metrics;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _stateLock = new();
    private readonly string _candidateIncarnation = Guid.NewGuid().ToString("N");
    private ICoherenceTarget? _target;
    private IFileCache? _cache;
    private IConnectionMultiplexer? _connection;
    private bool _ownsConnection;
    private IDatabase? _db;
    private Task? _start;
    private Task[] _loops = [];
    private RedisNodeState _state;
    private string? _degradedReason;
    private int _disposed;

    public RedisCoherenceNode(IServiceProvider services, RedisCoherenceOptions options, TimeProvider time)
    {
        _services = services;
        _options = options;
        _time = time;
        _keys = new RedisKeys(options.ClusterName);
        NodeId = options.NodeId ?? $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
        _metrics = new RedisMetrics(services.GetService<System.Diagnostics.Metrics.IMeterFactory>(), () => _state == RedisNodeState.Degraded);
        _logger = services.GetService<ILoggerFactory>()?.CreateLogger("FileCache.Redis") ?? NullLogger.Instance;
        _queue = System.Threading.Channels.Channel.CreateUnbounded<PendingPublish>(new() { SingleReader = true });
        L2 = new L2.L2Stage(this);
        double frequency = time.TimestampFrequency;
        _leaseTrustTicks = (long)(options.LeaseDuration.TotalSeconds * (1 - options.ClockRateErrorBound) * frequency);
        _renewInterval = options.LeaseRenewInterval ?? options.LeaseDuration / 3;
    }

    public string NodeId { get; }

    public event EventHandler<RedisNodeStateChangedEventArgs>? StateChanged;

    internal RedisNodeState State => _state;

    internal RedisKeys Keys => _keys;

    internal RedisMetrics Metrics => _metrics;

    internal RedisCoherenceOptions Options => _options;

    internal TimeProvider Time => _time;

    internal ILogger Logger => _logger;

    internal IDatabase? Database => _db;

    internal L2.L2Stage L2 { get; }

    /// <summary>Tests only: doorbells are dropped as if lost (the poll must still apply the log).</summary>
    internal bool IgnoreDoorbells { get; set; }

    /// <summary>Tests only: renewals fail while this returns true (as if the server were unreachable).</summary>
    internal Func<bool>? RenewFault { get; set; }

    /// <summary>Called when the cache's options are built: the node becomes its publisher, and with the L2 on, a load stage.</summary>
    public void ConfigureCache(FileCacheOptions options)
    {
        options.Invalidation.Publisher = this;
        if (_options.UseL2 && !options.LoadStages.Contains(L2.Stage))
        {
            options.LoadStages.Add(L2.Stage);
        }
    }

    /// <inheritdoc/>
    public void Attach(ICoherenceTarget target)
    {
        if (Interlocked.CompareExchange(ref _target, target, null) is not null)
        {
            throw new InvalidOperationException("A Redis coherence node serves one cache; this one is already attached.");
        }

        // Not a member yet: nothing is served unverified until the node has joined and caught up.
        target.VerifyEveryRead = true;
    }

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        lock (_stateLock)
        {
            _start ??= StartCoreAsync();
        }

        return _start.WaitAsync(cancellationToken);
    }

    private async Task StartCoreAsync()
    {
        _cache = _services.GetRequiredService<IFileCache>();
        if (_target is null)
        {
            throw new InvalidOperationException("The registered IFileCache was not built with this node as its invalidation publisher (AddRedisCoherence must configure the cache AddFileCache registers).");
        }

        if (_options.ConnectionFactory is { } factory)
        {
            _connection = await factory(_services).ConfigureAwait(false);
        }
        else
        {
            _connection = await ConnectionMultiplexer.ConnectAsync(_options.Configuration!).ConfigureAwait(false);
            _ownsConnection = true;
        }

        _db = _connection.GetDatabase();
        var subscriber = _connection.GetSubscriber();
        await subscriber.SubscribeAsync(_keys.Doorbell, (_, _) =>
        {
            if (!IgnoreDoorbells)
            {
                _doorbell.Set();
            }
        }).ConfigureAwait(false);
        await subscriber.SubscribeAsync(_keys.AckDoorbell, (_, _) => _acks.Set()).ConfigureAwait(false);
        if (_options.UseL2)
        {
            L2.Store = _options.L2Factory is { } l2 ? l2(_services) : _services.GetRequiredService<Microsoft.Extensions.Caching.Distributed.IDistributedCache>();
        }

        _watchdog = _time.CreateTimer(static state => ((RedisCoherenceNode)state!).OnLeaseDeadline(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _revalidation = _time.CreateTimer(static state => ((RedisCoherenceNode)state!).Revalidate(), this, _options.RevalidationInterval, _options.RevalidationInterval);

        // Join: learn where the log is, take a lease with that as applied, then catch up on what was appended meanwhile.
        await ApplyPendingAsync().ConfigureAwait(false);
        if (!await RenewAsync(joining: true).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"Node {NodeId} could not take its lease: the server did not answer within {_options.LeaseDuration}.");
        }

        _loops = [Task.Run(ApplyLoopAsync), Task.Run(LeaseLoopAsync), Task.Run(PublishLoopAsync)];
    }

    /// <inheritdoc/>
    public async ValueTask<InvalidationResult> InvalidateAsync(InvalidationRequest request, bool waitForAcknowledgement, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cache = _cache ?? _services.GetRequiredService<IFileCache>();
        var previous = s_wait.Value;
        s_wait.Value = waitForAcknowledgement;
        try
        {
            return await cache.InvalidateAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            s_wait.Value = previous;
        }
    }

    /// <inheritdoc/>
    public async Task SynchronizeAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await ApplyPendingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public RedisCoherenceStatus GetStatus()
    {
        long remaining = Volatile.Read(ref _leaseDeadline) - _time.GetTimestamp();
        return new RedisCoherenceStatus
        {
            NodeId = NodeId,
            State = _state,
            DegradedReason = _degradedReason,
            LastAppliedSequence = Volatile.Read(ref _lastApplied),
            Incarnation = _incarnation,
            LeaseRemaining = _state == RedisNodeState.Healthy && remaining > 0 ? TimeSpan.FromSeconds(remaining / (double)_time.TimestampFrequency) : TimeSpan.Zero,
            Applied = Interlocked.Read(ref _metrics.Applied),
            Published = Interlocked.Read(ref _metrics.Published),
            Demotions = Interlocked.Read(ref _metrics.Demotions),
            LogGaps = Interlocked.Read(ref _metrics.LogGaps),
            LeaseLosses = Interlocked.Read(ref _metrics.LeaseLosses),
            AcknowledgementTimeouts = Interlocked.Read(ref _metrics.AckTimeouts),
            L2Hits = Interlocked.Read(ref _metrics.L2Hits),
            L2Misses = Interlocked.Read(ref _metrics.L2Misses),
            HashRejections = Interlocked.Read(ref _metrics.HashRejections),
        };
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _queue.Writer.TryComplete();
        foreach (var loop in _loops)
        {
            try
            {
                await loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _watchdog?.Dispose();
        _revalidation?.Dispose();
        if (_db is not null)
        {
            try
            {
                // Leave politely: nobody waits for this node's lease to run out.
                await _db.HashDeleteAsync(_keys.Members, NodeId).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
                await _db.HashDeleteAsync(_keys.Addresses, NodeId).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
            {
                RedisLog.CallFailed(_logger, ex, NodeId, "leave");
            }
        }

        SetState(RedisNodeState.Stopped, "stopped");
        try
        {
            if (_target is not null)
            {
                _target.VerifyEveryRead = true;
            }
        }
        catch (ObjectDisposedException)
        {
            // The cache went first.
        }

        if (_ownsConnection && _connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        _metrics.Dispose();
        _stop.Dispose();
    }

    /// <inheritdoc/>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void SetState(RedisNodeState state, string? reason)
    {
        RedisNodeState previous;
        lock (_stateLock)
        {
            previous = _state;
            if (previous == state || previous == RedisNodeState.Stopped)
            {
                return;
            }

            _state = state;
            _degradedReason = state == RedisNodeState.Degraded ? reason : null;
        }

        try
        {
            StateChanged?.Invoke(this, new(previous, state, reason));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            RedisLog.CallFailed(_logger, ex, NodeId, "StateChanged handler");
        }
    }
}
