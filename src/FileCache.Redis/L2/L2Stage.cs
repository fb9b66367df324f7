using System.Globalization;
using System.IO.Hashing;
using FileCache.Loading;
using FileCache.Redis.Coherence;
using FileCache.Redis.Internal;
using FileCache.Redis.Telemetry;
using FileCache.Sources;
using Microsoft.Extensions.Caching.Distributed;
using StackExchange.Redis;

namespace FileCache.Redis.L2;

/// <summary>
/// The L2 load stage. File bytes are stored content-addressed (by their 128-bit hash) in any <see cref="IDistributedCache"/>;
/// the small record "this path has this version" (a pointer) lives in the server, written only by a compare-by-sequence
/// script. A miss asks the pointer first: it holds when no invalidation of the file, its project or all came after it,
/// it is younger than the revalidation interval, and the source's version probe (no read) still shows its length and
/// last-write time. Then the payload is fetched and checked against the hash; anything else reads the source, and that
/// read fills the L2 (payload, then pointer with the sequence observed before the read).
/// </summary>
internal sealed class L2Stage
{
    /// <summary>The origin the stage gives the results it serves.</summary>
    public const string Origin = "l2";

    private readonly RedisCoherenceNode _node;

    public L2Stage(RedisCoherenceNode node)
    {
        _node = node;
        Stage = RunAsync;
    }

    /// <summary>The stage's delegate (one instance, so registering twice is recognized).</summary>
    public FileLoadStage Stage { get; }

    /// <summary>The payload store, set when the node starts.</summary>
    public IDistributedCache? Store { get; set; }

    private async ValueTask RunAsync(FileLoadContext context, FileLoadHandler next)
    {
        var db = _node.Database;
        var store = Store;
        if (db is null || store is null || _node.State != RedisNodeState.Healthy)
        {
            // Not a healthy member: the pointers cannot be trusted to be current; read the source.
            await next(context).ConfigureAwait(false);
            return;
        }

        var keys = _node.Keys;
        string field = RedisKeys.PointerField(context.Project, context.Path);
        string barrier = RedisKeys.ProjectBarrier(context.Project);
        long observed;
        using (var activity = RedisMetrics.Source.StartActivity(RedisCoherenceTelemetry.L2Activity))
        {
            RedisResult[] pointer;
            try
            {
                pointer = (RedisResult[])(await db.ScriptEvaluateAsync(Scripts.GetPointer, [keys.Pointers, keys.Barriers, keys.Sequence], [field, barrier])
                    .WaitAsync(context.CancellationToken).ConfigureAwait(false))!;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                RedisLog.CallFailed(_node.Logger, ex, _node.NodeId, "read an L2 pointer");
                await next(context).ConfigureAwait(false);
                return;
            }

            observed = long.Parse((string)pointer[3]!, CultureInfo.InvariantCulture);
            if (await TryServeAsync(context, store, pointer).ConfigureAwait(false))
            {
                activity?.SetTag("filecache.redis.l2.result", "hit");
                _node.Metrics.L2(hit: true);
                return;
            }

            activity?.SetTag("filecache.redis.l2.result", "miss");
            _node.Metrics.L2(hit: false);
        }

        await next(context).ConfigureAwait(false);
        if (context.HasResult && context.Content.Length <= _node.Options.L2MaxFileBytes)
        {
            await FillAsync(context, db, store, field, barrier, observed).ConfigureAwait(false);
        }
    }

    private async ValueTask<bool> TryServeAsync(FileLoadContext context, IDistributedCache store, RedisResult[] pointer)
    {
        string value = (string)pointer[0]!;
        long projectBarrier = long.Parse((string)pointer[1]!, CultureInfo.InvariantCulture);
        long globalBarrier = long.Parse((string)pointer[2]!, CultureInfo.InvariantCulture);
        long serverNow = long.Parse((string)pointer[4]!, CultureInfo.InvariantCulture);
        if (!TryParse(value, out long sequence, out UInt128 hash, out long length, out long ticks, out long writtenMs)
            || sequence < projectBarrier || sequence < globalBarrier
            || serverNow - writtenMs >= _node.Options.RevalidationInterval.TotalMilliseconds)
        {
            return false;
        }

        // The source's version now (a probe, not a read): the L2 copy must be of it.
        var current = await context.Source.GetVersionAsync(context.Path, context.CancellationToken).ConfigureAwait(false);
        if (current is not { } version || version.Length != length || version.LastWriteTimeUtc.UtcTicks != ticks
            || (context.ExpectedVersion is { ContentHash: { } expected } && expected != hash))
        {
            return false;
        }

        string key = _node.Keys.Payload(hash);
        byte[]? payload;
        try
        {
            payload = await store.GetAsync(key, context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or IOException)
        {
            RedisLog.CallFailed(_node.Logger, ex, _node.NodeId, "read an L2 payload");
            return false;
        }

        if (payload is null)
        {
            return false;
        }

        if (payload.LongLength != length || XxHash128.HashToUInt128(payload) != hash)
        {
            // Integrity: bytes that fail their hash are never served; the copy is dropped and the source read instead.
            _node.Metrics.HashRejected();
            RedisLog.HashRejected(_node.Logger, _node.NodeId, context.Project, context.Path);
            await TryAsync(() => store.RemoveAsync(key, CancellationToken.None), "drop a corrupt L2 payload").ConfigureAwait(false);
            return false;
        }

        context.SetResult(payload, version with { ContentHash = hash }, Location(context), Origin);
        return true;
    }

    private async ValueTask FillAsync(FileLoadContext context, IDatabase db, IDistributedCache store, string field, string barrier, long observed)
    {
        var version = context.Version;
        var content = context.Content;
        UInt128 hash = version.ContentHash ?? XxHash128.HashToUInt128(content.Span);
        var keys = _node.Keys;
        bool stored = await TryAsync(
            () => store.SetAsync(keys.Payload(hash), content.ToArray(), new DistributedCacheEntryOptions { SlidingExpiration = _node.Options.L2Expiration }, CancellationToken.None),
            "write an L2 payload").ConfigureAwait(false);
        if (stored)
        {
            string value = string.Create(CultureInfo.InvariantCulture, $"{hash:x32}|{content.Length}|{version.LastWriteTimeUtc.UtcTicks}");
            await TryAsync(() => db.ScriptEvaluateAsync(Scripts.SetPointer, [keys.Pointers, keys.Barriers], [field, barrier, observed, value]), "write an L2 pointer").ConfigureAwait(false);
        }
    }

    private async Task<bool> TryAsync(Func<Task> call, string operation)
    {
        try
        {
            await call().ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or IOException)
        {
            // The L2 is an optimization: a failed write costs a later disk read, never the load.
            RedisLog.CallFailed(_node.Logger, ex, _node.NodeId, operation);
            return false;
        }
    }

    private static string Location(FileLoadContext context) =>
        context.Source is PhysicalFileSource physical ? Path.Join(physical.Root, context.Path) : context.Path;

    /// <summary>Parses <c>seq|hash|length|ticks|writtenMs</c>; false for a tombstone (<c>seq|-</c>), nothing, or garbage.</summary>
    internal static bool TryParse(string value, out long sequence, out UInt128 hash, out long length, out long ticks, out long writtenMs)
    {
        sequence = length = ticks = writtenMs = 0;
        hash = default;
        var parts = value.Split('|');
        return parts.Length == 5
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out sequence)
            && UInt128.TryParse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out hash)
            && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out length)
            && long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out ticks)
            && long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out writtenMs);
    }
}
