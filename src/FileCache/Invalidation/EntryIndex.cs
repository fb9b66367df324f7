using FileCache.Storage;

namespace FileCache.Invalidation;

/// <summary>
/// What invalidation looks entries up by, besides their key: the partitions' path tries, tags, and the reverse
/// dependency edges (key → entries that depend on it). Kept in step with the store under the store lock: an
/// entry is indexed when linked and unindexed when unlinked, so the graph is freed with its entries.
/// </summary>
internal sealed class EntryIndex
{
    private readonly Dictionary<string, HashSet<CacheEntry>> _tags = new(StringComparer.Ordinal);
    private readonly Dictionary<FileKey, HashSet<CacheEntry>> _dependants = [];

    /// <summary>Finds the partition of a dependency target; set by the cache.</summary>
    public Func<FileKey, Partition?> Resolve { get; set; } = static _ => null;

    /// <summary>Entries removed because they expired (counted as <see cref="InvalidationCause.Expiry"/>).</summary>
    public long Expired { get; private set; }

    /// <summary>Distinct keys that some cached entry depends on (for leak tests).</summary>
    public int DependencyTargets => _dependants.Count;

    public int TagCount => _tags.Count;

    public void Added(CacheEntry entry)
    {
        entry.Partition.Paths.Add(entry);
        if (entry.Coherence is not { } coherence)
        {
            return;
        }

        if (coherence.Tags is { } tags)
        {
            foreach (string tag in tags)
            {
                if (!_tags.TryGetValue(tag, out var set))
                {
                    _tags[tag] = set = [];
                }

                set.Add(entry);
            }
        }

        if (coherence.Dependencies is { } dependencies)
        {
            foreach (var target in dependencies)
            {
                if (!_dependants.TryGetValue(target, out var set))
                {
                    _dependants[target] = set = [];
                    Resolve(target)?.Paths.AddTarget(target);
                }

                set.Add(entry);
            }
        }
    }

    public void Removed(CacheEntry entry, RemovalReason reason)
    {
        entry.Partition.Paths.Remove(entry);
        if (reason == RemovalReason.Expired)
        {
            Expired++;
        }

        if (entry.Coherence is not { } coherence)
        {
            return;
        }

        if (coherence.Tags is { } tags)
        {
            foreach (string tag in tags)
            {
                if (_tags.TryGetValue(tag, out var set) && set.Remove(entry) && set.Count == 0)
                {
                    _tags.Remove(tag);
                }
            }
        }

        if (coherence.Dependencies is { } dependencies)
        {
            foreach (var target in dependencies)
            {
                if (_dependants.TryGetValue(target, out var set) && set.Remove(entry) && set.Count == 0)
                {
                    _dependants.Remove(target);
                    Resolve(target)?.Paths.RemoveTarget(target);
                }
            }
        }
    }

    public void CollectTagged(string tag, List<FileKey> keys)
    {
        if (_tags.TryGetValue(tag, out var set))
        {
            foreach (var entry in set)
            {
                keys.Add(entry.Key);
            }
        }
    }

    /// <summary>Adds the entries that depend directly on <paramref name="key"/>.</summary>
    public void CollectDependants(in FileKey key, List<CacheEntry> dependants)
    {
        if (_dependants.TryGetValue(key, out var set))
        {
            dependants.AddRange(set);
        }
    }
}
