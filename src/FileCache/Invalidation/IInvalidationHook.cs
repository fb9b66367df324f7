namespace FileCache.Invalidation;

/// <summary>
/// Observes invalidations (register with <c>AddInvalidationHook</c>). Called before a request is applied, where it
/// may add keys or veto (never a deletion or an overflow), and after, with the final set. A hook that throws is
/// isolated: the invalidation proceeds and the failure is counted.
/// </summary>
public interface IInvalidationHook
{
    /// <summary>Called before <paramref name="context"/>'s request is applied, outside the cache's locks.</summary>
    /// <param name="context">The request and its planned keys.</param>
    void OnInvalidating(InvalidatingContext context);

    /// <summary>Called after the request was applied, outside the cache's locks.</summary>
    /// <param name="request">The request.</param>
    /// <param name="keys">Every key invalidated, cascades included.</param>
    void OnInvalidated(InvalidationRequest request, IReadOnlyCollection<FileKey> keys);
}
