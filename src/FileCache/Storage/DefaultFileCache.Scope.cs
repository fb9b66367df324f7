using FileCache.Internal;
using FileCache.Invalidation;
using FileCache.Keys;
using FileCache.Sources;

namespace FileCache.Storage;

/// <summary>
/// The <see cref="IInvalidationScope"/> strategies expand requests against.
/// </summary>
internal sealed partial class DefaultFileCache
{
    /// <summary>The <see cref="IInvalidationScope"/> strategies see: snapshots taken under the store lock (re-entrant).</summary>
    private sealed class Scope(DefaultFileCache cache, Partition? target) : IInvalidationScope
    {
        public IReadOnlyList<string> Projects => Array.ConvertAll(cache._partitions.All, p => p.Name);

        public IReadOnlyList<FileKey> KeysUnder(string project, string directory)
        {
            ArgumentNullException.ThrowIfNull(project);
            ArgumentNullException.ThrowIfNull(directory);
            var keys = new List<FileKey>();
            // The request's own partition first: a project being removed has already left the table.
            var partition = target is not null && string.Equals(target.Name, project, StringComparison.Ordinal) ? target : cache._partitions.Find(project, Partition.HashName(project));
            if (partition is null)
            {
                return keys;
            }

            lock (cache._store.Lock)
            {
                partition.Paths.CollectUnder(directory, keys);
            }

            return keys;
        }

        public IReadOnlyList<FileKey> KeysTagged(string tag)
        {
            ArgumentNullException.ThrowIfNull(tag);
            var keys = new List<FileKey>();
            lock (cache._store.Lock)
            {
                cache._store.Index.CollectTagged(tag, keys);
            }

            return keys;
        }

        public bool TryGetVersion(in FileKey key, out FileVersion version)
        {
            if (!key.IsDefault && cache._partitions.Find(key.Project, key.ProjectHash) is { } partition
                && partition.Map.TryGetValue(key, out var entry)
                && Compression.CompressedFile.TryGetFileMetadata(entry.Value, out _, out version, out _))
            {
                return true;
            }

            version = default;
            return false;
        }
    }
}
