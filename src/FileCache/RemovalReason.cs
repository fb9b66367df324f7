namespace FileCache;

/// <summary>Why an entry left the cache.</summary>
public enum RemovalReason
{
    /// <summary>Evicted to keep the cache within its byte budget or a project's quota.</summary>
    Capacity = 0,

    /// <summary>Its absolute or sliding expiration passed.</summary>
    Expired = 1,

    /// <summary>Removed by <see cref="IFileCache.Remove(in FileKey)"/> or <see cref="IFileCache.Clear"/>.</summary>
    Removed = 2,

    /// <summary>Replaced by a newer value for the same key.</summary>
    Replaced = 3,

    /// <summary>Invalidated, for example by <see cref="IFileCache.InvalidateProject(string)"/>.</summary>
    Invalidated = 4,
}
