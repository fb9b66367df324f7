using System.Diagnostics.CodeAnalysis;
using FileCache.DependencyInjection;
using FileCache.Invalidation;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers invalidation strategies and hooks for the file cache.</summary>
public static class FileCacheBuilderInvalidationExtensions
{
    /// <summary>Registers a strategy that expands invalidation requests; it is asked before the built-in ones, in registration order.</summary>
    /// <typeparam name="TStrategy">The strategy type, created once by the container.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IFileCacheBuilder AddInvalidationStrategy<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TStrategy>(this IFileCacheBuilder builder)
        where TStrategy : class, IInvalidationStrategy
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IInvalidationStrategy, TStrategy>());
        return builder;
    }

    /// <summary>Registers a hook called before and after every invalidation.</summary>
    /// <typeparam name="THook">The hook type, created once by the container.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IFileCacheBuilder AddInvalidationHook<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THook>(this IFileCacheBuilder builder)
        where THook : class, IInvalidationHook
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IInvalidationHook, THook>());
        return builder;
    }
}
