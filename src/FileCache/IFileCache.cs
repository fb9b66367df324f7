using System.Diagnostics.CodeAnalysis;
using FileCache.Invalidation;
using FileCache.Statistics;

namespace FileCache;

/// <summary>
/// An in-process cache of file contents and file-derived data, partitioned by project and bounded by a byte budget.
/// </summary>
/// <remarks>
/// All members are thread-safe. Reads that hit take no lock and allocate nothing. Concurrent misses for one key
/// run one load; a load that fails or is cancelled leaves nothing cached.
/// </remarks>
public interface IFileCache : IDisposable
{
    /// <summary>Raised after an entry left the cache, outside any lock of the cache. A handler that throws is not called again for that removal.</summary>
    event EventHandler<FileCacheEntryRemovedEventArgs>? EntryRemoved;

    /// <summary>Gets the names of the registered projects.</summary>
    IReadOnlyCollection<string> Projects { get; }

    /// <summary>Registers a project at run time.</summary>
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

    /// <summary>Gets a cached value without loading it.</summary>
    /// <typeparam name="T">The value's type (<see cref="CachedFile"/> for file bytes).</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="value">The value, when found.</param>
    /// <returns><see langword="true"/> when a live value of type <typeparamref name="T"/> is cached under the key.</returns>
    bool TryGet<T>(in FileKey key, [MaybeNullWhen(false)] out T value);

    /// <summary>Gets a cached value without loading it.</summary>
    /// <typeparam name="T">The value's type (<see cref="CachedFile"/> for file bytes).</typeparam>
    /// <param name="project">The project's name.</param>
    /// <param name="path">The path relative to the project's root.</param>
    /// <param name="value">The value, when found.</param>
    /// <returns><see langword="true"/> when a live value of type <typeparamref name="T"/> is cached under the key.</returns>
    bool TryGet<T>(string project, string path, [MaybeNullWhen(false)] out T value);

    /// <summary>Returns the cached value, or runs <paramref name="loader"/> once for all concurrent callers and caches its result.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="loader">Produces the value; its token is cancelled when every waiting caller has cancelled.</param>
    /// <param name="options">Size and expiration of the new entry.</param>
    /// <param name="cancellationToken">Cancels this caller's wait.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> has no known size and <paramref name="options"/> sets none.</exception>
    ValueTask<T> GetOrAddAsync<T>(FileKey key, Func<FileKey, CancellationToken, ValueTask<T>> loader, FileCacheEntryOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Stores a value, replacing any value under the key.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="options">Size and expiration of the entry.</param>
    /// <returns><see langword="true"/> when stored; <see langword="false"/> when refused because it is larger than the budget, the project's quota or <see cref="FileCacheOptions.MaxEntryBytes"/> (counted as rejected; any older value stays).</returns>
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

    /// <summary>Returns an immutable snapshot of the statistics, in total and per project.</summary>
    /// <returns>The snapshot.</returns>
    FileCacheStatistics GetStatistics();
}
