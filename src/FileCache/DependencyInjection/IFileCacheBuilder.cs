using Microsoft.Extensions.DependencyInjection;

namespace FileCache.DependencyInjection;

/// <summary>Returned by <c>AddFileCache</c>; optional packages hang their registrations off it.</summary>
public interface IFileCacheBuilder
{
    /// <summary>Gets the service collection the cache is registered in.</summary>
    IServiceCollection Services { get; }
}
