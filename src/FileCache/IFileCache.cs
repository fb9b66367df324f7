using FileCache.Invalidation;
using FileCache.Statistics;

namespace FileCache;

/// <summary>
/// An in-process cache of file contents and file-derived data, partitioned by project and bounded by a byte budget.
/// </summary>
/// <remarks>
/// All members are thread-safe. Reads that hit take no lock and allocate nothing. Concurrent misses for one key
/// run one load; a load that fails or is cancelled leaves nothing cached.
/// <para>
/// The interface grows by members with default implementations written in terms of the existing ones, so a decorator
/// or another implementation compiled against an older version keeps compiling and keeps its own behaviour (the
/// default of <see cref="InvalidateAsync"/> calls its <see cref="Invalidate"/>). A decorator should still forward
/// them, so the inner cache's faster path is used.
/// </para>
/// </remarks>
public interface IFileCache : IDisposable
{
    /// <summary>Raised after an entry left the cache, outside any lock of the cache. A handler that throws is not called again for that removal.</summary>
    event EventHandler<FileCacheEntryRemovedEventArgs>? EntryRemoved;

    /// <summary>Gets the names of the registered projects.</summary>
    IReadOnlyCollection<string> Projects { get; }

    /// <summary>Registers a project at run time.</summary>
    /// <remarks>
    /// Amortized constant time, however many projects are registered. A watch on a large root is set up in the
    /// background after at most half a second: until it is up, reads of the project's files go to the disk and are not
    /// cached, and <see cref="SynchronizeAsync"/> returns at once.
    /// </remarks>
    /// <param name="project">The project's options; validated as at start-up.</param>
    /// <exception cref="ArgumentException">The options are invalid or a project of that name exists.</exception>
    void AddProject(FileCacheProjectOptions project);

    /// <summary>Unregisters a project and drops its entries.</summary>
    /// <param name="project">The project's name.</param>
    /// <returns><see langword="true"/> when the project existed.</returns>
    bool RemoveProject(string project);

    /// <summary>Validates and normalizes a path once, and returns a key that reads without hashing.</summary>
    /// <param name="project">A registered project's name.</param>
    /// <param name="path">A path relative to the project's root (or an absolute path under it); <c>\</c> and <c>/</c> both separate segments.</param>
    /// <param name="variant">The variant of derived data, or <see langword="null"/> for the file's own bytes.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="project"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException">An argument is empty, contains a NUL character, names no registered project, or the path escapes the project's root.</exception>
    /// <remarks>
    /// The key carries the name its entry keeps, so its hits compare that by reference. For a path that is cached, the
    /// key takes the entry's and nothing is allocated (a canonical path is kept as given); for one not cached yet, the
    /// key makes the file's name once (a few dozen bytes), and the entry a read of this key makes shares it.
    /// </remarks>
    FileKey CreateKey(string project, string path, string? variant = null);

    /// <summary>Returns a file's bytes, from the cache or read through from the project's root directory.</summary>
    /// <param name="project">A registered project with a root directory.</param>
    /// <param name="path">The file's path relative to the root.</param>
    /// <param name="cancellationToken">Cancels this caller's wait (and the read, when no other caller waits for it).</param>
    /// <returns>The file's bytes and version.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist. Nothing is cached.</exception>
    /// <exception cref="IOException">The file cannot be read (it is a directory, or changed or vanished while being read).</exception>
    /// <exception cref="UnauthorizedAccessException">Access to the file is denied, or it links outside the root.</exception>
    ValueTask<CachedFile> ReadAsync(string project, string path, CancellationToken cancellationToken = default);

    /// <summary>Returns a file's bytes, from the cache or read through from the project's root directory.</summary>
    /// <param name="key">A key without a variant.</param>
    /// <param name="cancellationToken">Cancels this caller's wait (and the read, when no other caller waits for it).</param>
    /// <returns>The file's bytes and version.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist. Nothing is cached.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    ValueTask<CachedFile> ReadAsync(FileKey key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns a file's bytes, or <see langword="null"/> when the file does not exist. A missing file is remembered (a
    /// negative entry): later calls answer <see langword="null"/> without asking the source, until the watcher, a poll or
    /// an invalidation of the path reports a change (under <see cref="Invalidation.ValidationMode.ValidateOnRead"/> alone,
    /// for at most the validation interval). Call <see cref="SynchronizeAsync"/> to see a file created just now.
    /// </summary>
    /// <param name="project">A registered project with a root directory or a source.</param>
    /// <param name="path">The file's path relative to the root.</param>
    /// <param name="cancellationToken">Cancels this caller's wait (and the read, when no other caller waits for it).</param>
    /// <returns>The file's bytes and version, or <see langword="null"/> when it does not exist.</returns>
    /// <exception cref="IOException">The file cannot be read (it is a directory, or changed while being read).</exception>
    /// <exception cref="UnauthorizedAccessException">Access to the file is denied, or it links outside the root.</exception>
    /// <remarks>The default, for implementations written before this member, reads through <see cref="ReadAsync(string, string, CancellationToken)"/> and answers <see langword="null"/> for a missing file, without remembering it.</remarks>
    async ValueTask<CachedFile?> TryReadAsync(string project, string path, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ReadAsync(project, path, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Returns a file's bytes, or <see langword="null"/> when the file does not exist (remembered as for <see cref="TryReadAsync(string, string, CancellationToken)"/>).</summary>
    /// <param name="key">A key without a variant.</param>
    /// <param name="cancellationToken">Cancels this caller's wait (and the read, when no other caller waits for it).</param>
    /// <returns>The file's bytes and version, or <see langword="null"/> when it does not exist.</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <remarks>The default, for implementations written before this member, reads through <see cref="ReadAsync(FileKey, CancellationToken)"/> and answers <see langword="null"/> for a missing file, without remembering it.</remarks>
    async ValueTask<CachedFile?> TryReadAsync(FileKey key, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ReadAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Gets a cached value without loading it.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value, when found.</param>
    /// <returns><see langword="true"/> when a live value is cached under the key.</returns>
    /// <remarks>
    /// Non-generic so that the call through the interface is a plain virtual call: a generic interface method
    /// is dispatched through a runtime lookup that costs more than the whole hit. Typed reads are the
    /// <see cref="FileCacheExtensions.TryGet{T}(IFileCache, in FileKey, out T)"/> extension, which checks the
    /// type at the call site.
    /// </remarks>
    bool TryGetValue(in FileKey key, out object? value);

    /// <summary>Gets a cached value without loading it.</summary>
    /// <param name="project">The project's name.</param>
    /// <param name="path">The path relative to the project's root.</param>
    /// <param name="value">The value, when found.</param>
    /// <returns><see langword="true"/> when a live value is cached under the key.</returns>
    bool TryGetValue(string project, string path, out object? value);

    /// <summary>Gets the length of a cached file's bytes, without counting a hit or a miss.</summary>
    /// <param name="key">The file's key.</param>
    /// <param name="length">The number of bytes, when cached.</param>
    /// <returns><see langword="true"/> when the file's bytes are cached (compressed or not).</returns>
    bool TryGetContentLength(in FileKey key, out int length);

    /// <summary>Copies a cached file's bytes into <paramref name="destination"/>, decompressing them if stored compressed; allocates nothing.</summary>
    /// <param name="key">The file's key.</param>
    /// <param name="destination">Receives the bytes; must hold them all (see <see cref="TryGetContentLength"/>).</param>
    /// <param name="bytesWritten">The number of bytes written.</param>
    /// <returns><see langword="true"/> on a hit; <see langword="false"/> when the file's bytes are not cached.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than the content.</exception>
    bool TryCopyContent(in FileKey key, Span<byte> destination, out int bytesWritten);

    /// <summary>
    /// Lends a cached file's bytes: the cached memory itself, or for a compressed file a pooled buffer holding the
    /// decompressed bytes. Allocates nothing; dispose the lease once when done.
    /// </summary>
    /// <param name="key">The file's key.</param>
    /// <param name="lease">The lease, on a hit.</param>
    /// <returns><see langword="true"/> on a hit.</returns>
    bool TryLeaseContent(in FileKey key, out FileContentLease lease);

    /// <summary>Returns the cached value, or runs <paramref name="loader"/> once for all concurrent callers and caches its result.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="loader">Produces the value; its token is cancelled when every waiting caller has cancelled.</param>
    /// <param name="options">Size and expiration of the new entry.</param>
    /// <param name="cancellationToken">Cancels this caller's wait.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> has no known size and <paramref name="options"/> sets none.</exception>
    /// <exception cref="InvalidOperationException">
    /// The loader returned <see langword="null"/> (nothing is cached: a null could not be told apart from a miss), or the
    /// caller is itself a loader that waits, directly or through other loaders, for the key it is loading (which would
    /// never complete).
    /// </exception>
    ValueTask<T> GetOrAddAsync<T>(FileKey key, Func<FileKey, CancellationToken, ValueTask<T>> loader, FileCacheEntryOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns the cached value, or runs <paramref name="loader"/> with <paramref name="state"/> once for all concurrent
    /// callers and caches its result. With a <see langword="static"/> lambda nothing is allocated for the call: a hit
    /// allocates nothing, and a miss allocates less than the closure a capturing lambda would.
    /// </summary>
    /// <typeparam name="TState">The state's type.</typeparam>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="state">Passed to <paramref name="loader"/>.</param>
    /// <param name="loader">Produces the value; its token is cancelled when every waiting caller has cancelled.</param>
    /// <param name="options">Size and expiration of the new entry.</param>
    /// <param name="cancellationToken">Cancels this caller's wait.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> has no known size and <paramref name="options"/> sets none.</exception>
    ValueTask<T> GetOrAddAsync<TState, T>(FileKey key, TState state, Func<FileKey, TState, CancellationToken, ValueTask<T>> loader, FileCacheEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loader);
        return GetOrAddAsync(key, (k, token) => loader(k, state, token), options, cancellationToken);
    }

    /// <summary>Stores a value, replacing any value under the key.</summary>
    /// <remarks>
    /// Replacing a value is a change of the key: entries that declared a dependency on it
    /// (<see cref="FileCacheEntryOptions.Dependencies"/>) are invalidated, transitively, and loads under way that
    /// depend on it do not cache their result.
    /// </remarks>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="options">Size and expiration of the entry.</param>
    /// <returns><see langword="true"/> when stored; <see langword="false"/> when refused because it is larger than the budget, the project's quota or <see cref="FileCacheOptions.MaxEntryBytes"/> (counted as rejected; any older value stays).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    bool Set<T>(in FileKey key, T value, FileCacheEntryOptions? options = null);

    /// <summary>Removes the value under a key, and keeps a load of that key already under way from caching its result.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> when a value was removed.</returns>
    bool Remove(in FileKey key);

    /// <summary>Removes the value under a key, and keeps a load of that key already under way from caching its result.</summary>
    /// <param name="project">The project's name.</param>
    /// <param name="path">The path relative to the project's root.</param>
    /// <returns><see langword="true"/> when a value was removed.</returns>
    bool Remove(string project, string path);

    /// <summary>Drops every entry of a project; loads under way for it do not cache their results.</summary>
    /// <param name="project">The project's name.</param>
    /// <returns>The number of entries dropped.</returns>
    int InvalidateProject(string project);

    /// <summary>
    /// Invalidates what a request names (a key, a directory, a glob, a project, a tag, the entries older than a version,
    /// or a custom request), expanded by the registered <see cref="IInvalidationStrategy"/>; the entries that depend on
    /// them follow (cascade), and loads under way for them do not cache their results. Hooks run before and after.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <returns>How many entries were invalidated, or the veto of a hook.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="ArgumentException">The request names an unregistered project, a path that escapes its root, or a custom request no strategy expands.</exception>
    InvalidationResult Invalidate(InvalidationRequest request);

    /// <summary>
    /// Invalidates what a request names, like <see cref="Invalidate"/>, and completes once the invalidation is applied.
    /// This is the entry point every invalidation takes (<c>Remove</c>, <see cref="InvalidateProject"/>,
    /// <see cref="RemoveProject"/>, <see cref="Clear"/>, the watcher, version checks): hooks run, dependants in every
    /// project follow, loads under way are fenced, and the result carries the invalidation's sequence number. A
    /// distributed cache completes it when the other nodes have acknowledged it; the local cache completes it at once.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the request if it has not been applied yet; an applied invalidation is never undone.</param>
    /// <returns>How many entries were invalidated and the sequence number, or the veto of a hook.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="ArgumentException">The request names an unregistered project, a path that escapes its root, or a custom request no strategy expands.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the request was applied.</exception>
    ValueTask<InvalidationResult> InvalidateAsync(InvalidationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled<InvalidationResult>(cancellationToken)
            : new ValueTask<InvalidationResult>(Invalidate(request));
    }

    /// <summary>Tells whether the value under a key was soft-invalidated and is being refreshed in the background.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> when a stale value is cached under the key.</returns>
    bool IsStale(in FileKey key);

    /// <summary>
    /// Returns once every change made to the project's files before the call has been applied to the cache: the
    /// watcher has delivered the event of a sentinel file written now (and so every event before it), or the
    /// polling fallback has checked every cached file. Completes at once when the project is not watched.
    /// </summary>
    /// <param name="project">The project.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the cache has caught up with the disk.</returns>
    Task SynchronizeAsync(string project, CancellationToken cancellationToken = default);

    /// <summary>Drops every entry of every project; loads under way do not cache their results.</summary>
    void Clear();

    /// <summary>Raised, outside any lock of the cache, when the process's memory load rises across one of <see cref="Eviction.FileCacheMemoryOptions.AlertThresholds"/>.</summary>
    event EventHandler<FileCacheMemoryAlertEventArgs>? MemoryAlert;

    /// <summary>Gets the cache's monitor (history, alerts, latencies, hot keys); a decorator returns its inner cache's.</summary>
    /// <remarks>
    /// Monitors are made by the cache engine only. The default implementation, for an implementation compiled against a
    /// version without this member, throws <see cref="NotSupportedException"/>: a decorator forwards its inner cache's.
    /// </remarks>
    /// <exception cref="NotSupportedException">The implementation has no monitor (it does not override this member).</exception>
    Monitoring.CacheMonitor Monitor => throw new NotSupportedException(
        $"{GetType().Name} has no monitor: a decorator returns its inner cache's IFileCache.Monitor; only the cache engine makes monitors.");

    /// <summary>
    /// Writes a file's bytes: through (the disk, by an atomic replace, then the cache) or behind (the cache now, the disk
    /// after <see cref="Writing.FileCacheWriteOptions.WriteBehindDelay"/>). Writes of one file are applied in call order;
    /// every read after the call returns sees these bytes (or newer ones), flushed or not.
    /// </summary>
    /// <param name="project">A registered project with a root directory.</param>
    /// <param name="path">The file's path relative to the root; missing directories are created.</param>
    /// <param name="content">The bytes (copied: the caller may reuse its buffer).</param>
    /// <param name="mode">Write-through (the default) or write-behind.</param>
    /// <param name="cancellationToken">Cancels a write-through still waiting for an earlier write of the same file; a write under way completes.</param>
    /// <returns>The cached file. After a write-behind its version is provisional (the length, and the cache's clock) until flushed.</returns>
    /// <exception cref="ArgumentException">The project is not registered, or the path escapes its root.</exception>
    /// <exception cref="InvalidOperationException">The project has no root directory.</exception>
    /// <exception cref="IOException">A write-through could not write the file (the cache is then unchanged).</exception>
    /// <exception cref="NotSupportedException">This implementation does not write files.</exception>
    ValueTask<CachedFile> WriteAsync(string project, string path, ReadOnlyMemory<byte> content, Writing.WriteMode mode = Writing.WriteMode.WriteThrough, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{GetType()} does not write files.");

    /// <summary>Writes every pending write-behind (of one project, or all) to disk now, whether due or backing off after a failure.</summary>
    /// <param name="project">The project, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the wait between files.</param>
    /// <returns>A task that completes when each write pending at the call was tried.</returns>
    /// <exception cref="AggregateException">Some writes failed: an I/O error (they stay pending and are retried) or a <see cref="Writing.FileWriteConflictException"/>.</exception>
    Task FlushAsync(string? project = null, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>
    /// Raised, outside any lock of the cache, when a write could not reach the disk: a failed flush (retried with
    /// back-off), a conflict with a change made on disk by someone else, or a write still pending at dispose.
    /// </summary>
    event EventHandler<Writing.FileWriteFailedEventArgs>? WriteFailed
    {
        add { }
        remove { }
    }

    /// <summary>Returns an immutable snapshot of the statistics, in total and per project, with the memory status and the invalidation counters.</summary>
    /// <returns>The snapshot.</returns>
    FileCacheStatistics GetStatistics();
}
