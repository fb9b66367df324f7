using System.Collections.Concurrent;

namespace FileCache.Storage;

/// <summary>
/// The loads under way that declared dependencies, over every project. An invalidation fences those that depend on
/// a key it invalidated by walking this set alone: never every project's loads, whose number grows with the number
/// of projects (10,000 projects made each <c>Remove</c> walk 10,000 in-flight tables under the store lock).
/// </summary>
internal sealed partial class DefaultFileCache
{
    private readonly ConcurrentDictionary<LoadOperation, byte> _dependentLoads = new(Environment.ProcessorCount, 0);

    /// <summary>Registers <paramref name="load"/> if it declared dependencies. Called before it enters the in-flight table, so no invalidation can miss it.</summary>
    private bool TrackDependencies(LoadOperation load)
    {
        if (load.Options?.Dependencies is not { Count: > 0 })
        {
            return false;
        }

        load.DependenciesTracked = true;
        _dependentLoads.TryAdd(load, 0);
        return true;
    }

    /// <summary>Forgets <paramref name="load"/> (it finished, failed, or never started).</summary>
    private void UntrackDependencies(LoadOperation load)
    {
        // The load's own flag, not the set's IsEmpty: on an empty ConcurrentDictionary, IsEmpty takes every lock of the
        // set, which every load paid when it ended.
        if (load.DependenciesTracked)
        {
            _dependentLoads.TryRemove(load, out _);
        }
    }

    /// <summary>Fences every load under way that depends on a key in <paramref name="invalidated"/>. Caller holds the store lock.</summary>
    private void FenceDependentLoadsLocked(HashSet<FileKey> invalidated)
    {
        if (_dependentLoads.IsEmpty)
        {
            return;
        }

        foreach (var pair in _dependentLoads)
        {
            var load = pair.Key;
            if (load.Options?.Dependencies is not { } dependencies)
            {
                continue;
            }

            foreach (var dependency in dependencies)
            {
                if (invalidated.Contains(dependency))
                {
                    load.Fenced = true;
                    load.Partition.InFlight.TryRemove(new KeyValuePair<FileKey, LoadOperation>(load.Key, load));
                    break;
                }
            }
        }
    }
}
