using FileCache.AspNetCore;
using FileCache.AspNetCore.Health;
using FileCache.AspNetCore.Internal;
using FileCache.Cluster;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the FileCache health check.</summary>
public static class FileCacheHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a health check of the registered FileCache: degraded under memory pressure, while a project polls instead of
    /// watching, or while a cluster node (<see cref="IFileCacheClusterStatus"/>, when registered) is degraded; unhealthy
    /// when a watcher lost events or too many loads failed in the window.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="configure">Configures the thresholds; validated here.</param>
    /// <param name="failureStatus">The status reported when unhealthy; defaults to <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A threshold is out of range; the exception names it.</exception>
    public static IHealthChecksBuilder AddFileCache(
        this IHealthChecksBuilder builder,
        string name = "filecache",
        Action<FileCacheHealthCheckOptions>? configure = null,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var options = new FileCacheHealthCheckOptions();
        configure?.Invoke(options);
        Validate(options, nameof(configure));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(CacheReader.Create);
        var samples = new HealthSamples();
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new FileCacheHealthCheck(
                sp.GetRequiredService<CacheReader>(),
                options,
                samples,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<IFileCacheClusterStatus>()),
            failureStatus,
            tags));
    }

    private static void Validate(FileCacheHealthCheckOptions o, string configure)
    {
        const string O = nameof(FileCacheHealthCheckOptions);
        if (!double.IsFinite(o.DegradedMemoryLoad) || o.DegradedMemoryLoad is < 0 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(configure), o.DegradedMemoryLoad, $"{O}.DegradedMemoryLoad: Must be from 0 to 10.");
        }

        if (!double.IsFinite(o.UnhealthyLoadFailureRatio) || o.UnhealthyLoadFailureRatio is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(configure), o.UnhealthyLoadFailureRatio, $"{O}.UnhealthyLoadFailureRatio: Must be from 0 to 1.");
        }

        if (o.MinimumLoads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(configure), o.MinimumLoads, $"{O}.MinimumLoads: Must not be negative.");
        }

        if (o.Window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(configure), o.Window, $"{O}.Window: Must be positive.");
        }
    }
}
