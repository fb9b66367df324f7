using FileCache.Invalidation;
using FileCache.Monitoring;
using FileCache.Statistics;

namespace FileCache.Tests.Api;

/// <summary>
/// Implements exactly the members <see cref="IFileCache"/> had at commit bbdd613 (before issue 9), forwarding
/// each and counting two of them; it must keep compiling as members are added. Do not add the newer members here
/// (a test that needs one, such as <c>DecoratorTests</c>' decorator with a Monitor, adds it in a subclass).
/// </summary>
internal class OlderImplementer(IFileCache inner) : IFileCache
{
    /// <summary>The cache every member forwards to.</summary>
    protected IFileCache Inner => inner;

    public int Invalidations { get; private set; }

    public int Loads { get; private set; }

    public event EventHandler<FileCacheEntryRemovedEventArgs>? EntryRemoved
    {
        add => inner.EntryRemoved += value;
        remove => inner.EntryRemoved -= value;
    }

    public event EventHandler<FileCacheMemoryAlertEventArgs>? MemoryAlert
    {
        add => inner.MemoryAlert += value;
        remove => inner.MemoryAlert -= value;
    }

    public IReadOnlyCollection<string> Projects => inner.Projects;

    public void AddProject(FileCacheProjectOptions project) => inner.AddProject(project);

    public bool RemoveProject(string project) => inner.RemoveProject(project);

    public FileKey CreateKey(string project, string path, string? variant = null) => inner.CreateKey(project, path, variant);

    public ValueTask<CachedFile> ReadAsync(string project, string path, CancellationToken cancellationToken = default) => inner.ReadAsync(project, path, cancellationToken);

    public ValueTask<CachedFile> ReadAsync(FileKey key, CancellationToken cancellationToken = default) => inner.ReadAsync(key, cancellationToken);

    public bool TryGetValue(in FileKey key, out object? value) => inner.TryGetValue(key, out value);

    public bool TryGetValue(string project, string path, out object? value) => inner.TryGetValue(project, path, out value);

    public bool TryGetContentLength(in FileKey key, out int length) => inner.TryGetContentLength(key, out length);

    public bool TryCopyContent(in FileKey key, Span<byte> destination, out int bytesWritten) => inner.TryCopyContent(key, destination, out bytesWritten);

    public bool TryLeaseContent(in FileKey key, out FileContentLease lease) => inner.TryLeaseContent(key, out lease);

    public ValueTask<T> GetOrAddAsync<T>(FileKey key, Func<FileKey, CancellationToken, ValueTask<T>> loader, FileCacheEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        Loads++;
        return inner.GetOrAddAsync(key, loader, options, cancellationToken);
    }

    public bool Set<T>(in FileKey key, T value, FileCacheEntryOptions? options = null) => inner.Set(key, value, options);

    public bool Remove(in FileKey key) => inner.Remove(key);

    public bool Remove(string project, string path) => inner.Remove(project, path);

    public int InvalidateProject(string project) => inner.InvalidateProject(project);

    public InvalidationResult Invalidate(InvalidationRequest request)
    {
        Invalidations++;
        return inner.Invalidate(request);
    }

    public bool IsStale(in FileKey key) => inner.IsStale(key);

    public Task SynchronizeAsync(string project, CancellationToken cancellationToken = default) => inner.SynchronizeAsync(project, cancellationToken);

    public void Clear() => inner.Clear();

    public FileCacheStatistics GetStatistics() => inner.GetStatistics();

    public void Dispose() => inner.Dispose();
}
