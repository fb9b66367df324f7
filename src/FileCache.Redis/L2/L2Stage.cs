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
/// <remarks>
/// An L2 hit costs two server round trips, and neither can go: the pointer script (the pointer, the barriers, the
/// sequence and the server's time, read atomically, so a pointer is never trusted past an invalidation appended before
/// it ran), then the payload GET, keyed by the hash the pointer names (so it cannot be sent before the pointer's answer).
/// The source's version probe is local (a stat): it runs while the pointer script travels. Payloads expire a fixed
/// <see cref="RedisCoherenceOptions.L2Expiration"/> after they were written, not sliding: a sliding entry costs
/// <c>RedisCache</c> a third round trip per read (it refreshes the expiry), and a payload in use is written again anyway
/// each time its pointer outlives the revalidation interval (the source is read and the L2 filled).
/// </remarks>
internal sealed class L2Stage
{
    /// <summary>The origin the stage gives the results it serves.</summary>
    public const string Origin = "l2";

    private readonly RedisCoherenceNode _node;
    private readonly RedisKey[] _pointerKeys;
    private readonly RedisKey[] _setPointerKeys;

    public L2Stage(RedisCoherenceNode node)
    {
        _node = node;
        _pointerKeys = [node.Keys.Pointers, node.Keys.Barriers, node.Keys.Sequence];
        _setPointerKeys = [node.Keys.Pointers, node.Keys.Barriers];
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

        string field = RedisKeys.PointerField(context.Project, context.Path);
        string barrier = RedisKeys.ProjectBarrier(context.Project);
        long observed;
        using (var activity = RedisMetrics.Source.StartActivity(RedisCoherenceTelemetry.L2Activity))
        {
            // Round trip 1, sent now; the source's version (a local probe, not a read) is taken while it travels.
            Task<RedisResult> request;
            try
            {
                request = db.ScriptEvaluateAsync(Scripts.GetPointer, _pointerKeys, [field, barrier]);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                RedisLog.CallFailed(_node.Logger, ex, _node.NodeId, "read an L2 pointer");
                await next(context).ConfigureAwait(false);
                return;
            }

            FileVersion? current;
            try
            {
                current = await context.Source.GetVersionAsync(context.Path, context.CancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // The probe's failure is the caller's; the pointer's answer is not awaited (nor left unobserved).
                _ = request.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                throw;
            }

            RedisResult[] pointer;
            try
            {
                pointer = (RedisResult[])(await request.WaitAsync(context.CancellationToken).ConfigureAwait(false))!;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                RedisLog.CallFailed(_node.Logger, ex, _node.NodeId, "read an L2 pointer");
                await next(context).ConfigureAwait(false);
                return;
            }

            observed = (long)pointer[3];
            if (await TryServeAsync(context, store, pointer, current).ConfigureAwait(false))
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

    private async ValueTask<bool> TryServeAsync(FileLoadContext context, IDistributedCache store, RedisResult[] pointer, FileVersion? current)
    {
        // The numbers are parsed from the reply's bytes (no strings); so is the pointer itself.
        long projectBarrier = (long)pointer[1];
        long globalBarrier = (long)pointer[2];
        long serverNow = (long)pointer[4];
        if (!TryParse(((ReadOnlyMemory<byte>)(RedisValue)pointer[0]).Span, out long sequence, out UInt128 hash, out long length, out long ticks, out long writtenMs)
            || sequence < projectBarrier || sequence < globalBarrier
            || serverNow - writtenMs >= _node.Options.RevalidationInterval.TotalMilliseconds)
        {
            return false;
        }

        // The source's version (probed during the pointer's round trip): the L2 copy must be of it.
        if (current is not { } version || version.Length != length || version.LastWriteTimeUtc.UtcTicks != ticks
            || (context.ExpectedVersion is { ContentHash: { } expected } && expected != hash))
        {
            return false;
        }

        // Round trip 2: the payload the pointer names.
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
            () => store.SetAsync(keys.Payload(hash), content.ToArray(), new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = _node.Options.L2Expiration }, CancellationToken.None),
            "write an L2 payload").ConfigureAwait(false);
        if (stored)
        {
            string value = string.Create(CultureInfo.InvariantCulture, $"{hash:x32}|{content.Length}|{version.LastWriteTimeUtc.UtcTicks}");
            await TryAsync(() => db.ScriptEvaluateAsync(Scripts.SetPointer, _setPointerKeys, [field, barrier, observed, value]), "write an L2 pointer").ConfigureAwait(false);
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

    /// <summary>Parses <c>seq|hash|length|ticks|writtenMs</c> (UTF-8); false for a tombstone (<c>seq|-</c>), nothing, or garbage.</summary>
    internal static bool TryParse(ReadOnlySpan<byte> value, out long sequence, out UInt128 hash, out long length, out long ticks, out long writtenMs)
    {
        sequence = length = ticks = writtenMs = 0;
        hash = default;
        return NextLong(ref value, out sequence)
            && Next(ref value, out var hex) && UInt128.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out hash)
            && NextLong(ref value, out length)
            && NextLong(ref value, out ticks)
            && NextLong(ref value, out writtenMs)
            && value.IsEmpty;
    }

    /// <summary>The text up to the next <c>|</c> (or the end); false when there is none left.</summary>
    private static bool Next(ref ReadOnlySpan<byte> value, out ReadOnlySpan<byte> part)
    {
        if (value.IsEmpty)
        {
            part = default;
            return false;
        }

        int bar = value.IndexOf((byte)'|');
        if (bar < 0)
        {
            part = value;
            value = default;
        }
        else
        {
            part = value[..bar];
            value = value[(bar + 1)..];
        }

        return true;
    }

    private static bool NextLong(ref ReadOnlySpan<byte> value, out long number)
    {
        number = 0;
        return Next(ref value, out var part) && long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }
}
