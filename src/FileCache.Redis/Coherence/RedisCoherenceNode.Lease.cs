using System.Globalization;
using FileCache.Redis.Internal;
using StackExchange.Redis;

namespace FileCache.Redis.Coherence;

/// <summary>
/// Membership and the read lease. The server's <c>TIME</c> decides when a lease expires (the others stop waiting for this
/// node's acknowledgements then); this node's own deadline is measured on its monotonic clock from before the renewal was
/// sent, shortened by the clock-rate error bound, so it always ends before the server's. At the deadline (or when the
/// server is found to have let the lease lapse) the node is degraded: every read is checked against its source, until a
/// renewal succeeds and the log is caught up.
/// </summary>
internal sealed partial class RedisCoherenceNode
{
    private readonly long _leaseTrustTicks;
    private readonly TimeSpan _renewInterval;
    private long _leaseDeadline;
    private ITimer? _watchdog;
    private ITimer? _revalidation;

    private async Task LeaseLoopAsync()
    {
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_renewInterval, _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await RenewAsync(joining: false).ConfigureAwait(false);
        }
    }

    /// <summary>Renews (or takes) the lease; false when the server could not be reached in time.</summary>
    internal async Task<bool> RenewAsync(bool joining)
    {
        var db = _db!;
        long sentAt = _time.GetTimestamp();
        RedisResult[] result;
        try
        {
            if (RenewFault?.Invoke() == true)
            {
                throw new TimeoutException("Renewal fault injected by a test.");
            }

            // Bounded by the lease itself: an answer later than that is worth nothing.
            result = (RedisResult[])(await db.ScriptEvaluateAsync(
                Scripts.Renew,
                [_keys.Incarnation, _keys.Members, _keys.Applied, _keys.Sequence, _keys.Addresses],
                [_candidateIncarnation, NodeId, (long)_options.LeaseDuration.TotalMilliseconds, joining ? Volatile.Read(ref _lastApplied) : RedisValue.EmptyString, _options.AdvertisedAddress ?? string.Empty])
                .WaitAsync(_options.LeaseDuration, _time, _stop.Token).ConfigureAwait(false))!;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            RedisLog.CallFailed(_logger, ex, NodeId, "renew the lease");
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        string incarnation = (string)result[0]!;
        long previousExpiry = long.Parse((string)result[1]!, CultureInfo.InvariantCulture);
        long serverNow = long.Parse((string)result[2]!, CultureInfo.InvariantCulture);
        if (!joining && _state == RedisNodeState.Healthy
            && (previousExpiry < serverNow || !string.Equals(incarnation, _incarnation, StringComparison.Ordinal)))
        {
            // The server let the lease lapse (or lost the membership): the others stopped waiting for this node.
            EnterDegraded(previousExpiry < 0 ? "the server lost this node's membership" : "the lease expired on the server");
        }

        Volatile.Write(ref _leaseDeadline, sentAt + _leaseTrustTicks);

        // The cache checks the deadline on its hits too: a node resumed after a pause serves nothing on trust before
        // this watchdog (a timer) gets to run.
        if (_options.CheckLeaseOnHit)
        {
            _target!.TrustUntil(sentAt + _leaseTrustTicks);
        }
        long due = sentAt + _leaseTrustTicks - _time.GetTimestamp();
        _watchdog?.Change(due > 0 ? TimeSpan.FromSeconds(due / (double)_time.TimestampFrequency) : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        if (_state != RedisNodeState.Healthy)
        {
            // Catch up before trusting anything: an invalidation appended before this renewal did not wait for this node.
            try
            {
                await ApplyPendingAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                RedisLog.CallFailed(_logger, ex, NodeId, "catch up on the log");
                return false;
            }

            if (_time.GetTimestamp() < Volatile.Read(ref _leaseDeadline))
            {
                Recover();
            }
        }

        return true;
    }

    /// <summary>The watchdog: the lease's local deadline passed without a renewal.</summary>
    private void OnLeaseDeadline()
    {
        if (_state == RedisNodeState.Healthy && _time.GetTimestamp() >= Volatile.Read(ref _leaseDeadline))
        {
            EnterDegraded("the lease ran out (no renewal reached the server in time)");
        }
    }

    private void EnterDegraded(string reason)
    {
        lock (_stateLock)
        {
            if (_state is RedisNodeState.Degraded or RedisNodeState.Stopped)
            {
                return;
            }
        }

        // First the cache (every read verified from now on), then the state others see.
        _target!.VerifyEveryRead = true;
        _metrics.LeaseLost();
        _metrics.Demoted("lease");
        SetState(RedisNodeState.Degraded, reason);
        RedisLog.Degraded(_logger, NodeId, reason);
    }

    private void Recover()
    {
        _target!.VerifyEveryRead = false;
        SetState(RedisNodeState.Healthy, null);
        long applied = Volatile.Read(ref _lastApplied);
        RedisLog.Recovered(_logger, NodeId, applied);
    }
}
