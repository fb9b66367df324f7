using FileCache.AspNetCore;
using FileCache.AspNetCore.Dashboard;
using FileCache.AspNetCore.Internal;
using FileCache.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the dashboard's services on a FileCache builder.</summary>
public static class FileCacheBuilderDashboardExtensions
{
    /// <summary>
    /// Registers what <c>MapFileCacheDashboard</c> needs: its options (validated at start-up), its state (recent alerts,
    /// rule defaults, mutes) and antiforgery. Idempotent.
    /// </summary>
    /// <param name="builder">The builder <c>AddFileCache</c> returned.</param>
    /// <param name="configure">Configures the dashboard's options.</param>
    /// <returns>The builder.</returns>
    public static IFileCacheBuilder AddDashboard(this IFileCacheBuilder builder, Action<FileCacheDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<FileCacheDashboardOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FileCacheDashboardOptions>, DashboardOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(CacheReader.Create);
        services.TryAddSingleton<DashboardState>();
        services.AddAntiforgery();
        return builder;
    }
}
