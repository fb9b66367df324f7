using FileCache.Internal;
using FileCache.Keys;
using FileCache.Storage;
using Microsoft.Extensions.Caching.Hybrid;

namespace FileCache.Hybrid;

/// <summary>
/// A <see cref="HybridCache"/> whose storage is a FileCache: one level (in process), with FileCache's partitions, budget,
/// admission, statistics, tags and single-flight loads. Values are stored as given (not serialized): every hit returns
/// the same instance, as the default implementation does for immutable types.
/// </summary>
internal sealed class FileHybridCache : HybridCache
{
    /// <summary>Every entry carries this tag, so that <c>RemoveByTagAsync("*")</c> removes them all (and nothing else).</summary>
    internal const string AllTag = "filecache:hybrid:*";

    private readonly DefaultFileCache _cache;
    private readonly FileHybridCacheOptions _options;
    private readonly string _project;
    private readonly FileCacheEntryOptions _defaultEntry;

    public FileHybridCache(IFileCache cache, FileHybridCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(options);
        _cache = cache as DefaultFileCache ?? throw new ArgumentException("The HybridCache adapter needs the built-in IFileCache.", nameof(cache));
        _options = options;
        _project = options.Project;
        if (!_cache.Projects.Contains(_project))
        {
            try
            {
                _cache.AddProject(new FileCacheProjectOptions { Name = _project });
            }
            catch (ArgumentException) when (_cache.Projects.Contains(_project))
            {
                // Registered meanwhile by another adapter: fine.
            }
        }

        _defaultEntry = Entry<object>(null, null);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A hit allocates nothing: this method captures nothing (a lambda capturing a parameter would allocate its closure
    /// on entry, hit or miss: that was the 32 B per hit), and the miss hands the state and the factory to the cache's
    /// state-taking load, which calls the factory through a static adapter.
    /// </remarks>
    public override ValueTask<T> GetOrCreateAsync<TState, T>(string key, TState state, Func<TState, CancellationToken, ValueTask<T>> factory, HybridCacheEntryOptions? options = null, IEnumerable<string>? tags = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var fileKey = KeyFor(key, out var partition);
        var flags = options?.Flags ?? HybridCacheEntryFlags.None;
        if ((flags & HybridCacheEntryFlags.DisableLocalCacheRead) == 0 && _cache.TryGetFromPartition(partition, fileKey, out T? hit))
        {
            return new ValueTask<T>(hit!);
        }

        if ((flags & HybridCacheEntryFlags.DisableUnderlyingData) != 0)
        {
            return new ValueTask<T>(default(T)!);
        }

        if ((flags & (HybridCacheEntryFlags.DisableLocalCacheRead | HybridCacheEntryFlags.DisableLocalCacheWrite)) != 0)
        {
            return CreateUncachedAsync(fileKey, state, factory, options, tags, flags, cancellationToken);
        }

        // A miss: one factory call for all concurrent callers of the key (FileCache's single flight). The miss was
        // counted above; the load does not look (or count) again.
        return _cache.LoadMissAsync(partition, fileKey, (state, factory), static (_, s, token) => s.factory(s.state, token), Entry<T>(options, tags), cancellationToken);
    }

    /// <inheritdoc/>
    public override ValueTask SetAsync<T>(string key, T value, HybridCacheEntryOptions? options = null, IEnumerable<string>? tags = null, CancellationToken cancellationToken = default)
    {
        var fileKey = KeyFor(key);
        cancellationToken.ThrowIfCancellationRequested();
        if (((options?.Flags ?? HybridCacheEntryFlags.None) & HybridCacheEntryFlags.DisableLocalCacheWrite) == 0)
        {
            _cache.Set(fileKey, value, Entry<T>(options, tags));
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public override ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        _cache.Remove(KeyFor(key));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public override ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        _cache.Invalidate(Invalidation.InvalidationRequest.ForTag(tag == "*" ? AllTag : tag));
        return ValueTask.CompletedTask;
    }

    private async ValueTask<T> CreateUncachedAsync<TState, T>(FileKey key, TState state, Func<TState, CancellationToken, ValueTask<T>> factory, HybridCacheEntryOptions? options, IEnumerable<string>? tags, HybridCacheEntryFlags flags, CancellationToken cancellationToken)
    {
        T value = await factory(state, cancellationToken).ConfigureAwait(false);
        if ((flags & HybridCacheEntryFlags.DisableLocalCacheWrite) == 0)
        {
            _cache.Set(key, value, Entry<T>(options, tags));
        }

        return value;
    }

    /// <summary>The entry options of a value: its expiration, its tags (and <see cref="AllTag"/>), its size when not measurable.</summary>
    private FileCacheEntryOptions Entry<T>(HybridCacheEntryOptions? options, IEnumerable<string>? tags)
    {
        bool measurable = typeof(T) == typeof(string) || typeof(T) == typeof(byte[]);
        if (options is null && tags is null && !measurable && _defaultEntry is not null)
        {
            return _defaultEntry;
        }

        var list = new List<string> { AllTag };
        if (tags is not null)
        {
            foreach (string tag in tags)
            {
                Throw.IfNullOrEmptyOrNul(tag, nameof(tags));
                list.Add(tag);
            }
        }

        return new FileCacheEntryOptions
        {
            AbsoluteExpirationRelativeToNow = options?.LocalCacheExpiration ?? options?.Expiration ?? _options.DefaultExpiration,
            Tags = list,
            Size = measurable ? null : _options.DefaultEntrySize,
        };
    }

    /// <summary>Maps a key to its project and path (see <see cref="FileHybridCacheOptions"/>); no allocation for a normal key of the default project.</summary>
    private FileKey KeyFor(string key) => KeyFor(key, out _);

    private FileKey KeyFor(string key, out Partition partition)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        string project = _project;
        string path = key;
        if (_options.ProjectSeparator is char separator)
        {
            int at = key.IndexOf(separator, StringComparison.Ordinal);
            if (at > 0 && at < key.Length - 1 && _cache.FindPartition(key[..at]) is { } routed)
            {
                project = routed.Name;
                path = key[(at + 1)..];
            }
        }

        partition = _cache.GetPartition(project);

        // A normal path is the path; anything else (and anything that looks encoded) is encoded, so keys never meet.
        if (path[0] == '~' || !PathNormalizer.IsCanonicalRelative(path))
        {
            path = "~" + Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(path));
        }

        return new FileKey(partition.Name, partition.NameHash, path, FileHybridCacheOptions.Variant, partition.IgnoreCase);
    }
}
