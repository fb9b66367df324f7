namespace FileCache.Invalidation;

/// <summary>The outcome of <see cref="IFileCache.Invalidate(InvalidationRequest)"/>.</summary>
/// <param name="Invalidated">Entries removed or marked stale, cascades and hook additions included.</param>
/// <param name="Vetoed"><see langword="true"/> when a hook vetoed the request (nothing was invalidated).</param>
/// <param name="VetoReason">The vetoing hook's reason.</param>
public readonly record struct InvalidationResult(int Invalidated, bool Vetoed, string? VetoReason);
