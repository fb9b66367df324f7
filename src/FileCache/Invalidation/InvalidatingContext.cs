namespace FileCache.Invalidation;

/// <summary>What an <see cref="IInvalidationHook"/> sees before a request is applied; it may add keys or veto.</summary>
public sealed class InvalidatingContext
{
    private readonly List<FileKey> _keys;
    private readonly List<FileKey> _added = [];

    internal InvalidatingContext(InvalidationRequest request, List<FileKey> keys)
    {
        Request = request;
        _keys = keys;
    }

    /// <summary>Gets the request.</summary>
    public InvalidationRequest Request { get; }

    /// <summary>Gets the keys the request will invalidate (before cascading).</summary>
    public IReadOnlyCollection<FileKey> Keys => _keys;

    /// <summary>Gets a value indicating whether a veto is allowed: not for deleted files, nor for a watcher overflow.</summary>
    /// <remarks>Nor for a version mismatch: a read never returns bytes whose version differs from the newest the cache has learned of.</remarks>
    public bool CanVeto => !Request.IsDeletion && Request.Cause is not (InvalidationCause.Overflow or InvalidationCause.VersionMismatch);

    /// <summary>Gets the reason of the first veto, or <see langword="null"/>.</summary>
    public string? VetoReason { get; private set; }

    internal IReadOnlyList<FileKey> Added => _added;

    internal int RefusedVetoes { get; private set; }

    /// <summary>Adds a key to invalidate; counted under <see cref="InvalidationCause.Hook"/>.</summary>
    /// <param name="key">A key created by the cache.</param>
    /// <exception cref="ArgumentException"><paramref name="key"/> is default.</exception>
    public void Add(in FileKey key)
    {
        Internal.Throw.IfDefaultKey(key);
        _added.Add(key);
    }

    /// <summary>Vetoes the request: nothing is invalidated.</summary>
    /// <param name="reason">Why; reported in the result.</param>
    /// <returns><see langword="false"/> when <see cref="CanVeto"/> is false (the veto is ignored and counted).</returns>
    /// <exception cref="ArgumentException"><paramref name="reason"/> is null or empty.</exception>
    public bool Veto(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        if (!CanVeto)
        {
            RefusedVetoes++;
            return false;
        }

        VetoReason ??= reason;
        return true;
    }
}
