using FileCache.Invalidation;

namespace FileCache.Redis.Coherence;

/// <summary>The node: the cache's invalidation publisher, the log's applier, the lease keeper and the L2 stage. See <c>Internal/readme.md</c>.</summary>
internal sealed partial class RedisCoherenceNode : IRedisCoherence, IInvalidationPublisher
{
    private readonly IServiceProvider _services;
    private readonly RedisCoherenceOptions _options;
    private readonly TimeProvider _time;

    public RedisCoherenceNode(IServiceProvider services, RedisCoherenceOptions options, TimeProvider time)
    {
        _services = services;
        _options = options;
        _time = time;
        NodeId = options.NodeId ?? $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
    }

    public string NodeId { get; }

    public event EventHandler<RedisNodeStateChangedEventArgs>? StateChanged;

    public void ConfigureCache(FileCacheOptions options) => options.Invalidation.Publisher = this;

    public Task StartAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    public ValueTask<InvalidationResult> InvalidateAsync(InvalidationRequest request, bool waitForAcknowledgement, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    public Task SynchronizeAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    public RedisCoherenceStatus GetStatus() => throw new NotImplementedException();

    public void Attach(ICoherenceTarget target) => throw new NotImplementedException();

    public void OnApplied(InvalidationRequest request, InvalidationResult result) => throw new NotImplementedException();

    public ValueTask<InvalidationResult> CompleteAsync(InvalidationRequest request, InvalidationResult result, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask DisposeAsync() => throw new NotImplementedException();

    private void Raise(RedisNodeState previous, RedisNodeState current, string? reason) => StateChanged?.Invoke(this, new(previous, current, reason));
}
