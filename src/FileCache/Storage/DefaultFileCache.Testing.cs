using FileCache.Internal;
using FileCache.Invalidation;
using FileCache.Keys;
using FileCache.Sources;

namespace FileCache.Storage;

/// <summary>
/// Test-only members, gathered here so the engine's other files hold none.
/// </summary>
internal sealed partial class DefaultFileCache
{
    /// <summary>Gets the invalidation runtime (for tests).</summary>
    internal InvalidationRuntime InvalidationState => _inv;

    /// <summary>Gets the hot-key tracker (for tests).</summary>
    internal Statistics.HotKeyTracker HotKeysState => _observer.HotKeys;

    /// <summary>Gets the latency histograms: hits, loads, invalidations (for tests).</summary>
    internal (Statistics.LogHistogram Hits, Statistics.LogHistogram Loads, Statistics.LogHistogram Invalidations) LatencyState
        => (_observer.HitLatency, _observer.LoadLatency, _observer.InvalidationLatency);

    /// <summary>Gets a project's partition (for tests).</summary>
    internal Partition PartitionFor(string project) => GetPartition(project);

    /// <summary>Gets the watcher of a project, if any (for tests).</summary>
    internal ProjectWatcher? WatcherFor(string project) => _inv.Watchers.GetValueOrDefault(GetPartition(project));

    /// <summary>Counts of the index structures (for leak tests): trie nodes of a project, dependency targets, tags.</summary>
    internal (int Nodes, int DependencyTargets, int Tags) IndexSizes(string project)
    {
        lock (_store.Lock)
        {
            return (GetPartition(project).Paths.NodeCount, _store.Index.DependencyTargets, _store.Index.TagCount);
        }
    }

    /// <summary>Gets the store (for tests and the hit-rate simulator).</summary>
    internal EntryStore Store => _store;

    /// <summary>
    /// Recounts the store from scratch under the lock (for tests): per partition, what the dictionary holds,
    /// what its list holds, and the counters, which must all agree.
    /// </summary>
    internal IReadOnlyList<(string Project, long MapCount, long MapBytes, long ListCount, long CountedEntries, long CountedBytes)> Recount()
    {
        var result = new List<(string, long, long, long, long, long)>();
        lock (_store.Lock)
        {
            foreach (var partition in _partitions.All)
            {
                long mapBytes = 0;
                foreach (var entry in partition.Map.Entries())
                {
                    mapBytes += entry.Size;
                }

                long listCount = 0;
                if (partition.Quota != long.MaxValue)
                {
                    for (var entry = partition.ListHead.PartNext; entry != partition.ListHead; entry = entry.PartNext)
                    {
                        listCount++;
                    }
                }
                else
                {
                    // Without a quota the entries are on the global lists only: count the mapped ones linked there.
                    foreach (var entry in partition.Map.Entries())
                    {
                        listCount += entry.Linked ? 1 : 0;
                    }
                }

                result.Add((partition.Name, partition.Map.Count, mapBytes, listCount, partition.Count, partition.Bytes));
            }
        }

        return result;
    }

    /// <summary>The keys with a load under way in a project (for tests).</summary>
    internal ICollection<FileKey> InFlightFor(string project) => GetPartition(project).InFlight.Keys;
}
