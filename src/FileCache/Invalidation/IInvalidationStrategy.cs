namespace FileCache.Invalidation;

/// <summary>
/// Expands an <see cref="InvalidationRequest"/> into the keys it invalidates. The built-in strategies cover every
/// shape of request except <see cref="CustomInvalidation"/>; strategies registered with
/// <c>AddInvalidationStrategy</c> are asked first, in registration order, so they can also replace a built-in one.
/// </summary>
public interface IInvalidationStrategy
{
    /// <summary>Tells whether this strategy expands <paramref name="request"/>.</summary>
    /// <param name="request">The request.</param>
    /// <returns><see langword="true"/> to be asked to expand it.</returns>
    bool CanExpand(InvalidationRequest request);

    /// <summary>Adds the keys <paramref name="request"/> invalidates to <paramref name="keys"/>. Dependants are added by the cache (cascade).</summary>
    /// <param name="request">The request.</param>
    /// <param name="scope">A read-only view of the cached keys.</param>
    /// <param name="keys">Receives the keys.</param>
    void Expand(InvalidationRequest request, IInvalidationScope scope, ICollection<FileKey> keys);

    /// <summary>
    /// Tells whether a key that is being loaded (not yet cached) falls under <paramref name="request"/>: such a
    /// load is fenced and its result is not cached. Answer <see langword="true"/> when unsure.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="key">The key being loaded.</param>
    /// <returns><see langword="true"/> when the load must not cache its result.</returns>
    bool Matches(InvalidationRequest request, in FileKey key);

    /// <summary>
    /// Tells whether a key being loaded with <paramref name="tags"/> falls under <paramref name="request"/>: the
    /// predicate the cache fences loads with. Every key <see cref="Expand"/> adds must satisfy it (given the tags of
    /// its entry), because a load of that key under way would otherwise cache what the request invalidated; the
    /// contract tests check it. The default ignores the tags and calls <see cref="Matches(InvalidationRequest, in FileKey)"/>;
    /// a strategy that selects by tag overrides it.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="key">The key being loaded.</param>
    /// <param name="tags">The tags the load will store its entry with, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when the load must not cache its result.</returns>
    bool Matches(InvalidationRequest request, in FileKey key, IEnumerable<string>? tags) => Matches(request, key);
}
