namespace FileCache.Storage;

/// <summary>
/// Collects removals made under the store lock so that <see cref="IFileCache.EntryRemoved"/> handlers run
/// after the lock is released. Collects nothing (and allocates nothing) when nobody subscribed.
/// </summary>
internal sealed class RemovalSink
{
    private readonly bool _enabled;
    private List<FileCacheEntryRemovedEventArgs>? _removed;

    public RemovalSink(bool enabled) => _enabled = enabled;

    public static RemovalSink Disabled { get; } = new(false);

    public void Add(CacheEntry entry, RemovalReason reason)
    {
        if (_enabled)
        {
            (_removed ??= []).Add(new FileCacheEntryRemovedEventArgs(entry.Key, reason, entry.Size));
        }
    }

    /// <summary>Raises the collected removals; a handler that throws does not stop the others or reach the caller.</summary>
    public void Raise(object sender, EventHandler<FileCacheEntryRemovedEventArgs>? handler)
    {
        if (_removed is null || handler is null)
        {
            return;
        }

        var handlers = handler.GetInvocationList();
        foreach (var args in _removed)
        {
            foreach (EventHandler<FileCacheEntryRemovedEventArgs> one in handlers)
            {
                try
                {
                    one(sender, args);
                }
#pragma warning disable CA1031 // A subscriber's failure must not break the cache operation that removed the entry.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }
        }
    }
}
