using FileCache.Redis.Coherence;
using FileCache.Redis.Internal;
using FileCache.Warming;
using StackExchange.Redis;

namespace FileCache.Redis.Warming;

/// <summary>
/// The cluster's hot sets on the server: each node publishes its hot set of a project (its hottest entries, bounded, in
/// the manifest's checked binary format) into one hash per project, <c>filecache:{cluster}:hotset:{project}</c>, field
/// = node id; the warmer writes it periodically and at shutdown. A joining node reads every node's hot set of the
/// project and warms from their merge before its own manifest: an entry's rank is the sum over nodes of its place in
/// each (hot on several nodes ranks first), its version the one in the most recent hot set. The warmer skips an entry
/// whose file's version changed since. A hot set that fails its checks (corrupt, another project's, another format) or
/// is older than <see cref="RedisHotSetOptions.MaxAge"/> is logged, removed from the server and left out.
/// </summary>
internal sealed class RedisHotSetStore : IHotSetStore
{
    private readonly RedisCoherenceNode _node;
    private readonly RedisHotSetOptions _options;

    public RedisHotSetStore(RedisCoherenceNode node, RedisHotSetOptions options)
    {
        _node = node;
        _options = options;
    }

    /// <summary>The server key of a project's hot sets.</summary>
    internal RedisKey KeyOf(string project) => _node.Keys.Prefix + "hotset:" + project;

    public async ValueTask<HotSet?> LoadAsync(string project, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(project);

        // A member first: the node reads the cluster it has joined.
        await _node.StartAsync(cancellationToken).ConfigureAwait(false);
        var db = _node.Database!;
        var key = KeyOf(project);
        var fields = await db.HashGetAllAsync(key).WaitAsync(cancellationToken).ConfigureAwait(false);
        var now = _node.Time.GetUtcNow();
        var sets = new List<HotSet>(fields.Length);
        foreach (var field in fields)
        {
            string node = field.Name.ToString();
            string? reason = null;
            if (!HotSetManifest.TryParse((byte[])field.Value!, project, out var hotSet, out string? error))
            {
                reason = error;
            }
            else if (now - hotSet.TakenAt > _options.MaxAge)
            {
                reason = $"taken at {hotSet.TakenAt:O}, older than {_options.MaxAge}";
            }

            if (reason is not null)
            {
                RedisLog.HotSetRefused(_node.Logger, _node.NodeId, project, node, reason);
                await db.HashDeleteAsync(key, field.Name).WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            sets.Add(hotSet!);
        }

        return sets.Count == 0 ? null : Merge(project, sets, _options.MaxNodes, _options.MaxEntries);
    }

    public async ValueTask SaveAsync(HotSet hotSet, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hotSet);
        await _node.StartAsync(cancellationToken).ConfigureAwait(false);
        var bounded = hotSet.Entries.Count > _options.MaxEntries ? hotSet with { Entries = [.. hotSet.Entries.Take(_options.MaxEntries)] } : hotSet;
        byte[] bytes = HotSetManifest.Serialize(bounded);
        await _node.Database!.HashSetAsync(KeyOf(hotSet.Project), _node.NodeId, bytes).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The cluster's hot set of a project: the most recent <paramref name="maxNodes"/> nodes' hot sets, each entry scored by
    /// the sum of its places (1 for a node's hottest, down to 1/n for its n-th), hottest first, at most
    /// <paramref name="maxEntries"/>; an entry's version, size and dependencies come from the most recent hot set holding it.
    /// </summary>
    internal static HotSet Merge(string project, IReadOnlyList<HotSet> sets, int maxNodes, int maxEntries)
    {
        var recent = sets.OrderByDescending(s => s.TakenAt).Take(maxNodes).ToArray();
        var merged = new Dictionary<(string Path, string? Variant), (HotSetEntry Entry, double Score, int First)>();
        int order = 0;
        foreach (var set in recent)
        {
            int n = set.Entries.Count;
            for (int i = 0; i < n; i++)
            {
                var entry = set.Entries[i];
                double place = (n - i) / (double)n;
                var id = (entry.Path, entry.Variant);
                merged[id] = merged.TryGetValue(id, out var known)
                    ? (known.Entry, known.Score + place, known.First)
                    : (entry, place, order++);
            }
        }

        var entries = merged.Values
            .OrderByDescending(v => v.Score)
            .ThenBy(v => v.First)
            .Take(maxEntries)
            .Select(v => v.Entry with { Rank = v.Score })
            .ToArray();
        return new HotSet(project, recent[0].TakenAt, entries);
    }
}
