using FileCache.AspNetCore.Dashboard;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the FileCache dashboard.</summary>
public static class FileCacheDashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the dashboard page (HTML, JS and CSS served from this assembly, no CDN) and its JSON API under
    /// <paramref name="prefix"/>. Register it first with <c>services.AddFileCache(...).AddDashboard()</c>.
    /// </summary>
    /// <remarks>
    /// As mapped, the dashboard answers loopback requests only and is read-only: keys and paths are redacted and actions
    /// are refused. Call <c>RequireAuthorization(policy)</c> on the result to open it to whoever the policy admits; they
    /// see keys and may change alert rules and invalidate projects (each action with an antiforgery token).
    /// </remarks>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <param name="prefix">The path the dashboard lives under, such as <c>/filecache</c>.</param>
    /// <returns>A builder for the dashboard's endpoints, to add conventions such as <c>RequireAuthorization</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="prefix"/> does not start with <c>/</c>, or holds a route parameter, a query or a fragment.</exception>
    /// <exception cref="InvalidOperationException">The dashboard's services are not registered.</exception>
    public static IEndpointConventionBuilder MapFileCacheDashboard(this IEndpointRouteBuilder endpoints, string prefix = "/filecache")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        if (prefix[0] != '/' || prefix.IndexOfAny(['{', '}', '?', '#', '*', '\\']) >= 0)
        {
            throw new ArgumentException($"The prefix must be a plain path starting with '/' (was '{prefix}').", nameof(prefix));
        }

        if (endpoints.ServiceProvider.GetService<DashboardState>() is null)
        {
            throw new InvalidOperationException("The FileCache dashboard's services are not registered: call services.AddFileCache(...).AddDashboard().");
        }

        string trimmed = prefix.TrimEnd('/');
        var group = endpoints.MapGroup(trimmed.Length == 0 ? "/" : trimmed);
        group.AddEndpointFilter(DashboardAccess.Gate);
        group.MapGet("/", DashboardEndpoints.PageAsync);
        group.MapGet("/assets/{name}", DashboardEndpoints.Asset);
        group.MapGet("/api/session", DashboardEndpoints.Session);
        group.MapGet("/api/summary", DashboardEndpoints.SummaryAsync);
        group.MapGet("/api/history", DashboardEndpoints.History);
        group.MapGet("/api/alerts", DashboardEndpoints.Alerts);
        group.MapPost("/api/alerts/rules/{name}", DashboardEndpoints.UpdateRuleAsync);
        group.MapPost("/api/alerts/rules/{name}/reset", DashboardEndpoints.ResetRuleAsync);
        group.MapPost("/api/alerts/rules/{name}/mute", DashboardEndpoints.MuteAsync);
        group.MapPost("/api/alerts/rules/{name}/unmute", DashboardEndpoints.UnmuteAsync);
        group.MapPost("/api/projects/{name}/invalidate", DashboardEndpoints.InvalidateProjectAsync);
        group.ExcludeFromDescription();
        return group;
    }
}
