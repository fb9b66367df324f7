using System.Globalization;
using System.Threading.Channels;
using FileCache.Invalidation;
using FileCache.Redis.Internal;
using FileCache.Redis.Telemetry;
using StackExchange.Redis;

namespace FileCache.Redis.Coherence;

/// <summary>
/// Publishing: every invalidation this cache applied (explicit, watcher, poll, version mismatch) is queued and appended to
/// the log in order by one script; <c>InvalidateAsync</c> then waits until every live member applied it or its lease
/// expired (by the server's clock), within the acknowledgement timeout.
/// </summary>
internal sealed partial class RedisCoherenceNode
{
    private static readonly AsyncLocal<bool?> s_wait = new();

    [ThreadStatic]
    private static PendingPublish? t_last;

    private readonly Channel<PendingPublish> _queue;
    private readonly Broadcast _acks = new();

    /// <summary>An applied invalidation on its way to the log.</summary>
    private sealed class PendingPublish(InvalidationRequest request, long localSequence)
    {
        public InvalidationRequest Request { get; } = request;

        public long LocalSequence { get; } = localSequence;

        /// <summary>Completes with (incarnation, cluster sequence) once appended; fails once when the first attempt failed.</summary>
        public TaskCompletionSource<(string Incarnation, long Sequence)> Appended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource FirstFailure { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <inheritdoc/>
    public void OnApplied(InvalidationRequest request, InvalidationResult result)
    {
        var pending = new PendingPublish(request, result.Sequence);
        t_last = pending;
        _queue.Writer.TryWrite(pending);
    }

    /// <inheritdoc/>
    public async ValueTask<InvalidationResult> CompleteAsync(InvalidationRequest request, InvalidationResult result, CancellationToken cancellationToken)
    {
        var pending = t_last;
        t_last = null;
        if (pending is null || pending.LocalSequence != result.Sequence || _state != RedisNodeState.Healthy)
        {
            // Not a member with a valid lease (starting, degraded, stopped): only this node is known to have applied it.
            return result with { Acknowledgement = InvalidationAcknowledgement.Degraded };
        }

        if (!(s_wait.Value ?? _options.WaitForAcknowledgement))
        {
            return result with { Acknowledgement = InvalidationAcknowledgement.NotAwaited };
        }

        using var activity = RedisMetrics.Source.StartActivity(RedisCoherenceTelemetry.PublishActivity);
        long start = _time.GetTimestamp();
        var timeout = _options.AcknowledgementTimeout;
        (string Incarnation, long Sequence) appended;
        try
        {
            var first = await Task.WhenAny(pending.Appended.Task, pending.FirstFailure.Task).WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
            if (first != pending.Appended.Task)
            {
                _metrics.AckCompleted(_time.GetElapsedTime(start), "degraded");
                return result with { Acknowledgement = InvalidationAcknowledgement.Degraded };
            }

            appended = await pending.Appended.Task.ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _metrics.AckCompleted(_time.GetElapsedTime(start), "timeout");
            return result with { Acknowledgement = InvalidationAcknowledgement.TimedOut };
        }

        activity?.SetTag("filecache.redis.sequence", appended.Sequence);
        var outcome = await WaitForAcknowledgementsAsync(appended.Incarnation, appended.Sequence, start, timeout, cancellationToken).ConfigureAwait(false);
        activity?.SetTag("filecache.redis.outcome", outcome.ToString());
        return result with { Acknowledgement = outcome, ClusterSequence = appended.Sequence };
    }

    private async Task<InvalidationAcknowledgement> WaitForAcknowledgementsAsync(string incarnation, long sequence, long start, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var db = _db!;
        long forgetMs = (long)Math.Max(60_000, _options.LeaseDuration.TotalMilliseconds * 10);
        string pendingList = string.Empty;
        while (true)
        {
            var next = _acks.Next;
            RedisResult[] pending;
            try
            {
                pending = (RedisResult[])(await db.ScriptEvaluateAsync(Scripts.Pending, [_keys.Incarnation, _keys.Members, _keys.Applied], [incarnation, sequence, forgetMs, (long)_options.LeaseDuration.TotalMilliseconds])
                    .WaitAsync(cancellationToken).ConfigureAwait(false))!;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                RedisLog.CallFailed(_logger, ex, NodeId, "check acknowledgements");
                _metrics.AckCompleted(_time.GetElapsedTime(start), "degraded");
                return InvalidationAcknowledgement.Degraded;
            }

            if ((string)pending[0]! != "ok")
            {
                // The server lost its data since the append: nobody can acknowledge what it no longer holds.
                _metrics.AckCompleted(_time.GetElapsedTime(start), "degraded");
                return InvalidationAcknowledgement.Degraded;
            }

            if (pending.Length == 1)
            {
                _metrics.AckCompleted(_time.GetElapsedTime(start), "acknowledged");
                return InvalidationAcknowledgement.Acknowledged;
            }

            var elapsed = _time.GetElapsedTime(start);
            if (elapsed >= timeout)
            {
                pendingList = string.Join(", ", pending.Skip(1).Select(p => (string?)p));
                RedisLog.AckTimedOut(_logger, NodeId, sequence, timeout, pendingList);
                _metrics.AckCompleted(elapsed, "timeout");
                return InvalidationAcknowledgement.TimedOut;
            }

            var wait = timeout - elapsed;
            await Broadcast.WaitAsync(next, wait < _options.PollInterval ? wait : _options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PublishLoopAsync()
    {
        var stop = _stop.Token;
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                while (reader.TryPeek(out var item))
                {
                    // In order: the head stays queued until appended (retried every poll interval while the server is away).
                    if (await TryAppendAsync(item).ConfigureAwait(false))
                    {
                        reader.TryRead(out _);
                    }
                    else
                    {
                        await Task.Delay(_options.PollInterval, _time, stop).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException ex)
        {
            OnDependencyDisposed(ex);
        }
    }

    private async Task<bool> TryAppendAsync(PendingPublish item)
    {
        var request = item.Request;
        try
        {
            var result = (RedisResult[])(await _db!.ScriptEvaluateAsync(
                Scripts.Append,
                [_keys.Incarnation, _keys.Sequence, _keys.Log, _keys.Pointers, _keys.Barriers],
                [_candidateIncarnation, LogEntry.Write(request, NodeId), _options.MaxLogLength, LogEntry.PointerField(request) ?? string.Empty, LogEntry.Barrier(request) ?? string.Empty, _keys.Doorbell.ToString()]).ConfigureAwait(false))!;
            Interlocked.Increment(ref _metrics.Published);
            item.Appended.TrySetResult(((string)result[0]!, long.Parse((string)result[1]!, CultureInfo.InvariantCulture)));
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            RedisLog.CallFailed(_logger, ex, NodeId, "append to the log");
            item.FirstFailure.TrySetResult();
            return false;
        }
    }
}
