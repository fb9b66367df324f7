using System.Diagnostics.Metrics;
using FileCache.DependencyInjection;
using FileCache.Storage;
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
        ArgumentNullException.ThrowIfNull(options);
        var errors = FileCacheOptionsValidator.Validate(options).ToList();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(FileCacheOptions), errors);
        }

        return new DefaultFileCache(options, timeProvider ?? TimeProvider.System, meterFactory);
    }
}
