using System.Globalization;
using FileCache.Redis.Internal;
using FileCache.Redis.Telemetry;
using StackExchange.Redis;

namespace FileCache.Redis.Coherence;

/// <summary>
/// The applier: reads the log after the last applied sequence (on a doorbell, or every poll interval when the doorbell
/// is lost), applies entries strictly in order through the cache's one invalidation path, and records what it applied.
/// A gap (entries trimmed before they were read), a sequence that went backwards or a new incarnation means invalidations
/// may have been missed: every entry is demoted (checked against its source before it is served again).
/// </summary>
internal sealed partial class RedisCoherenceNode
{
    private const int FetchBatch = 256;

    private readonly Broadcast _doorbell = new();
    private readonly SemaphoreSlim _applyLock = new(1, 1);
    private long _lastApplied;
    private string? _incarnation;

    private async Task ApplyLoopAsync()
    {
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            var next = _doorbell.Next;
            try
            {
                await ApplyPendingAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // The lease keeper turns a server that stays away into degraded mode; here the next poll retries.
                RedisLog.CallFailed(_logger, ex, NodeId, "read the log");
            }

            try
            {
                await Broadcast.WaitAsync(next, _options.PollInterval, _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Applies every entry after the last applied one, up to the log's end as read now.</summary>
    internal async Task ApplyPendingAsync()
    {
        var db = _db ?? throw new InvalidOperationException("The node is not started.");
        await _applyLock.WaitAsync(_stop.Token).ConfigureAwait(false);
        try
        {
            while (true)
            {
                var result = (RedisResult[])(await db.ScriptEvaluateAsync(
                    Scripts.Fetch,
                    [_keys.Incarnation, _keys.Sequence, _keys.Log],
                    [_candidateIncarnation, _lastApplied, FetchBatch]).ConfigureAwait(false))!;
                string incarnation = (string)result[0]!;
                long serverSequence = long.Parse((string)result[1]!, CultureInfo.InvariantCulture);
                int count = result.Length - 2;
                if (!CheckContinuity(incarnation, serverSequence, count == 0 ? 0 : ParseSequence((string)result[2]!)))
                {
                    // Demoted: everything up to the server's sequence is covered.
                    Volatile.Write(ref _lastApplied, serverSequence);
                    await AcknowledgeAsync(db).ConfigureAwait(false);
                    return;
                }

                if (count > 0)
                {
                    Apply(result, count);
                    await AcknowledgeAsync(db).ConfigureAwait(false);
                }

                if (count < FetchBatch)
                {
                    return;
                }
            }
        }
        finally
        {
            _applyLock.Release();
        }
    }

    /// <summary>True when the entries read follow the last applied one; otherwise demotes and says why (counted and logged).</summary>
    private bool CheckContinuity(string incarnation, long serverSequence, long firstSequence)
    {
        string? kind = null;
        if (_incarnation is null)
        {
            // Joining: start from the log's end (the cache holds nothing this node vouched for yet).
            _incarnation = incarnation;
            Volatile.Write(ref _lastApplied, serverSequence);
            return true;
        }

        if (!string.Equals(_incarnation, incarnation, StringComparison.Ordinal))
        {
            kind = "incarnation";
            _incarnation = incarnation;
        }
        else if (serverSequence < _lastApplied)
        {
            kind = "backwards";
        }
        else if ((firstSequence != 0 && firstSequence != _lastApplied + 1) || (firstSequence == 0 && serverSequence > _lastApplied))
        {
            kind = "gap";
        }

        if (kind is null)
        {
            return true;
        }

        _metrics.Gap(kind);
        DemoteAll(kind);
        return false;
    }

    private void Apply(RedisResult[] result, int count)
    {
        using var activity = RedisMetrics.Source.StartActivity(RedisCoherenceTelemetry.ApplyActivity);
        activity?.SetTag("filecache.redis.entries", count);
        for (int i = 0; i < count; i++)
        {
            string member = (string)result[i + 2]!;
            long sequence = ParseSequence(member);
            try
            {
                var entry = LogEntry.Read(member, CreateKey);
                if (entry.Request is { } request && !string.Equals(entry.Origin, NodeId, StringComparison.Ordinal))
                {
                    _target!.ApplyRemote(request, entry.Cause, entry.IsDeletion);
                    _metrics.AppliedRemote();
                }
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.Text.Json.JsonException or FormatException or KeyNotFoundException)
            {
                // An entry for a project this node does not have, or one it cannot read: nothing of it is cached here, or
                // (unreadable) everything is demoted rather than trusted.
                if (ex is System.Text.Json.JsonException or FormatException or KeyNotFoundException)
                {
                    RedisLog.ApplyFailed(_logger, ex, NodeId, sequence);
                    DemoteAll("unreadable entry");
                }
            }

            Volatile.Write(ref _lastApplied, sequence);
        }
    }

    private FileKey? CreateKey(string project, string path, string? variant)
    {
        // A project this node does not have throws here, and the entry is skipped (nothing of it is cached here).
        return _cache!.CreateKey(project, path, variant);
    }

    private async Task AcknowledgeAsync(IDatabase db) =>
        await db.ScriptEvaluateAsync(Scripts.Acknowledge, [_keys.Applied], [NodeId, Volatile.Read(ref _lastApplied), _keys.AckDoorbell.ToString()]).ConfigureAwait(false);

    private void DemoteAll(string reason)
    {
        int count = _target!.Demote();
        _metrics.Demoted(reason);
        RedisLog.Demoted(_logger, NodeId, $"{reason} ({count} entries)");
    }

    /// <summary>Every revalidation interval: every cached file is checked against its source before its next hit (bounded staleness for changes no node saw).</summary>
    private void Revalidate()
    {
        try
        {
            _target?.Demote(null, keepUncheckable: true);
        }
        catch (ObjectDisposedException)
        {
            // The cache is gone.
        }
    }

    private static long ParseSequence(string member) =>
        long.Parse(member.AsSpan(0, member.IndexOf(':', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
}
