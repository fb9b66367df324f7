using System.Diagnostics.Metrics;
using FileCache.DependencyInjection;
using FileCache.Storage;
using FileCache.Invalidation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FileCache;

/// <summary>Creates caches without dependency injection.</summary>
public static class FileCacheFactory
{
    /// <summary>Creates a cache after validating <paramref name="options"/> as start-up would.</summary>
    /// <param name="options">The options; copied, so later changes have no effect.</param>
    /// <param name="timeProvider">The clock for expirations; <see cref="TimeProvider.System"/> when null.</param>
    /// <returns>A new cache; dispose it when done.</returns>
    /// <exception cref="OptionsValidationException">The options are invalid; the message lists every invalid field.</exception>
    public static IFileCache Create(FileCacheOptions options, TimeProvider? timeProvider = null) => Create(options, timeProvider, meterFactory: null);

    /// <summary>Creates a cache after validating <paramref name="options"/> as start-up would, with its meter created by <paramref name="meterFactory"/>.</summary>
    /// <param name="options">The options; copied, so later changes have no effect.</param>
    /// <param name="timeProvider">The clock for expirations, statistics and history; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="meterFactory">Creates the cache's meter; when null the cache creates its own and disposes it with the cache.</param>
    /// <returns>A new cache; dispose it when done.</returns>
    /// <exception cref="OptionsValidationException">The options are invalid; the message lists every invalid field.</exception>
    public static IFileCache Create(FileCacheOptions options, TimeProvider? timeProvider, IMeterFactory? meterFactory)
    {
        ThrowIfInvalid(options);
        return new DefaultFileCache(options, timeProvider ?? TimeProvider.System, meterFactory);
    }

    /// <summary>
    /// Creates a cache after validating <paramref name="options"/> as start-up would, with invalidation strategies
    /// and hooks (what <c>AddInvalidationStrategy</c> and <c>AddInvalidationHook</c> register under dependency injection).
    /// </summary>
    /// <param name="options">The options; copied, so later changes have no effect.</param>
    /// <param name="strategies">Strategies asked before the built-in ones, in order; null for none.</param>
    /// <param name="hooks">Hooks called before and after every invalidation, in order; null for none.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Receives refresh failures, hook failures and watcher trouble; nothing is logged when null.</param>
    /// <returns>A new cache; dispose it when done.</returns>
    /// <exception cref="OptionsValidationException">The options are invalid; the message lists every invalid field.</exception>
    public static IFileCache Create(FileCacheOptions options, IEnumerable<IInvalidationStrategy>? strategies, IEnumerable<IInvalidationHook>? hooks, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ThrowIfInvalid(options);
        return new DefaultFileCache(options, timeProvider ?? TimeProvider.System, meterFactory: null, strategies, hooks, logger);
    }

    private static void ThrowIfInvalid(FileCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = FileCacheOptionsValidator.Validate(options).ToList();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(FileCacheOptions), errors);
        }
    }
}
