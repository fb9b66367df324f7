using FileCache.Storage;

namespace FileCache.Eviction;

/// <summary>The policy's process-independent key hash (for its frequency sketch and ghosts).</summary>
internal sealed partial class TinyLfuPolicy
{
    /// <summary><see cref="StableHash(in FileKey)"/> of an entry's key, without joining its path (the same value).</summary>
    internal static int StableHash(CacheEntry entry)
    {
        var partition = entry.Partition;
        if (partition.IgnoreCase)
        {
            return StableHash(entry.Key);
        }

        uint hash = 2166136261;
        hash = Mix(hash, partition.Name);
        var directory = entry.IndexNode.Path;
        if (directory.Length != 0)
        {
            hash = directory.Fnv(hash);
            hash = (hash ^ '/') * 16777619;
        }

        hash = Mix(hash, entry.Name);
        if (entry.Variant is not null)
        {
            hash = Mix(hash, entry.Variant);
        }

        return (int)hash;
    }

    /// <summary>
    /// FNV-1a over the key's parts: the same in every process (string hashes are randomized per process), so the
    /// policy's choices, and the simulator's results, are reproducible.
    /// </summary>
    internal static int StableHash(in FileKey key)
    {
        uint hash = 2166136261;
        hash = Mix(hash, key.Project);
        hash = Mix(hash, key.IgnoreCase ? key.Path.ToUpperInvariant() : key.Path);
        if (key.Variant is not null)
        {
            hash = Mix(hash, key.Variant);
        }

        return (int)hash;
    }

    private static uint Mix(uint hash, string text) => Mix(hash, FileName.Of(text));

    private static uint Mix(uint hash, FileName name) => (name.Fnv(hash) ^ 0xFFFF) * 16777619;
}
