using FileCache.Storage;

namespace FileCache.Invalidation;

/// <summary>
/// The invalidation state of one entry, allocated only for entries that need it: tags, dependencies, its validation
/// schedule (ValidateOnRead) and its staleness (soft invalidation).
/// </summary>
internal sealed class EntryCoherence
{
    public string[]? Tags;
    public FileKey[]? Dependencies;

    /// <summary>True for file entries checked against the disk on read.</summary>
    public bool ValidateFile;

    /// <summary>
    /// True when the file was last written so close to when it was read that another write within the file
    /// system's timestamp resolution would leave length and last-write time unchanged: the next check reloads it.
    /// </summary>
    public bool Racy;

    /// <summary>Timestamp from which the next read checks the file (see <c>CheckCoherence</c>).</summary>
    public long NextValidate;

    /// <summary>Timestamp when the entry was soft-invalidated; 0 while fresh.</summary>
    public long StaleSince;

    /// <summary>1 while a background refresh runs (one per key).</summary>
    public int Refreshing;

    /// <summary>Timestamp before which no new refresh starts (after a failed one).</summary>
    public long NextRefreshAt;

    /// <summary>Set while the entry is a prefetch nobody has read yet (Warming/); its first hit settles it as used.</summary>
    public Warming.PrefetchRecord? Prefetch;
}

/// <summary>Starts the background reload of a soft-invalidated entry.</summary>
internal abstract class EntryRefresher
{
    public abstract Task RefreshAsync(DefaultFileCache cache, Partition partition, FileKey key);
}

/// <summary>Reloads with the loader and options the entry was first loaded with.</summary>
internal sealed class EntryRefresher<T>(Func<FileKey, CancellationToken, ValueTask<T>> loader, FileCacheEntryOptions? options) : EntryRefresher
{
    /// <summary>Is this the refresher of <paramref name="otherLoader"/> with <paramref name="otherOptions"/> (so it can be shared)?</summary>
    public bool Matches(Func<FileKey, CancellationToken, ValueTask<T>> otherLoader, FileCacheEntryOptions? otherOptions) =>
        ReferenceEquals(loader, otherLoader) && ReferenceEquals(options, otherOptions);

    public override Task RefreshAsync(DefaultFileCache cache, Partition partition, FileKey key) =>
        cache.ReloadAsync(partition, key, loader, options).AsTask();
}

/// <summary>A refresher that is also the entry's loader: a load runs it with no delegate bound to it.</summary>
internal abstract class EntryLoader<T> : EntryRefresher
{
    public abstract ValueTask<T> LoadAsync(FileKey key, CancellationToken cancellationToken);
}

/// <summary>
/// A state loader (<c>GetOrAddAsync</c> with a state argument) adapted for a load, and the refresher of the entry it
/// loads: one object holding the state and the caller's (typically static) delegate, where a capturing lambda costs
/// a closure, its delegate and a refresher.
/// </summary>
internal sealed class StateEntryRefresher<TState, T>(TState state, Func<FileKey, TState, CancellationToken, ValueTask<T>> loader, FileCacheEntryOptions? options)
    : EntryLoader<T>
{
    public override ValueTask<T> LoadAsync(FileKey key, CancellationToken cancellationToken) => loader(key, state, cancellationToken);

    public override Task RefreshAsync(DefaultFileCache cache, Partition partition, FileKey key) =>
        cache.ReloadAsync<T>(partition, key, loader: null, options, this).AsTask();
}
