using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace FileCache.AspNetCore.Dashboard;

/// <summary>The dashboard's request handlers; every one runs behind <see cref="DashboardAccess.Gate"/>.</summary>
internal static class DashboardEndpoints
{
    /// <summary>Scripts and styles only from the dashboard itself; no inline script, no frames, no other origin.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static IResult PageAsync(HttpContext context, DashboardState state)
    {
        string basePath = context.Request.PathBase + BasePath(context);
        string html = DashboardAssets.Page
            .Replace("{{base}}", HtmlEncoder.Default.Encode(basePath), StringComparison.Ordinal)
            .Replace("{{title}}", HtmlEncoder.Default.Encode(state.Options.Title), StringComparison.Ordinal);
        context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        return Results.Content(html, "text/html; charset=utf-8");
    }

    public static IResult Asset(string name) => DashboardAssets.TryGet(name, out var content, out var type)
        ? Results.Bytes(content, type)
        : Results.NotFound();

    public static IResult Session(HttpContext context, DashboardState state, IAntiforgery antiforgery)
    {
        bool authorized = DashboardAccess.IsAuthorizedViewer(context);
        AntiforgeryTokenSet? tokens = authorized ? antiforgery.GetAndStoreTokens(context) : null;
        return Json(new SessionDto(
            state.Options.Title,
            authorized,
            authorized,
            state.Options.RefreshInterval.TotalMilliseconds,
            tokens?.HeaderName,
            tokens?.RequestToken));
    }

    public static async Task<IResult> SummaryAsync(HttpContext context, DashboardState state, TimeProvider time, string? window)
    {
        if (!DashboardApi.TryParseWindow(window, out var name, out var span))
        {
            return DashboardApi.BadWindow();
        }

        return Json(await DashboardApi.SummaryAsync(context, state, time, name, span).ConfigureAwait(false));
    }

    public static IResult History(DashboardState state, TimeProvider time, string? window)
    {
        if (!DashboardApi.TryParseWindow(window, out var name, out var span))
        {
            return DashboardApi.BadWindow();
        }

        var now = state.Reader.Read().Total;
        return Json(DashboardApi.History(state.Reader, name, span, now, time.GetUtcNow()));
    }

    public static IResult Alerts(DashboardState state) => Json(DashboardApi.Alerts(state));

    public static async Task<IResult> UpdateRuleAsync(HttpContext context, string name, DashboardState state, IAntiforgery antiforgery)
    {
        if (await DashboardAccess.CheckActionAsync(context, antiforgery).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var change = await ReadBodyAsync<RuleChange>(context).ConfigureAwait(false);
        if (change is null)
        {
            return Results.Problem("The body must be JSON: {\"threshold\": number, \"resolveThreshold\": number or null}.", statusCode: StatusCodes.Status400BadRequest);
        }

        return Apply(() => state.Reader.UpdateRule(name, change.Threshold, change.ResolveThreshold));
    }

    public static async Task<IResult> ResetRuleAsync(HttpContext context, string name, DashboardState state, IAntiforgery antiforgery)
    {
        if (await DashboardAccess.CheckActionAsync(context, antiforgery).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        return state.Defaults.TryGetValue(name, out var d)
            ? Apply(() => state.Reader.UpdateRule(name, d.Threshold, d.ResolveThreshold))
            : Results.Problem($"No alert rule is named '{name}'.", statusCode: StatusCodes.Status404NotFound);
    }

    public static async Task<IResult> MuteAsync(HttpContext context, string name, DashboardState state, IAntiforgery antiforgery)
    {
        if (await DashboardAccess.CheckActionAsync(context, antiforgery).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var mute = await ReadBodyAsync<MuteRequest>(context).ConfigureAwait(false);
        if (mute is null || !double.IsFinite(mute.Minutes) || mute.Minutes <= 0 || TimeSpan.FromMinutes(Math.Min(mute.Minutes, 1e9)) > state.Options.MaxMuteDuration)
        {
            return Results.Problem($"The body must be JSON {{\"minutes\": n}} with n positive and at most {state.Options.MaxMuteDuration.TotalMinutes:0} minutes.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (!state.Defaults.ContainsKey(name))
        {
            return Results.Problem($"No alert rule is named '{name}'.", statusCode: StatusCodes.Status404NotFound);
        }

        return Json(new { rule = name, mutedUntil = state.Mute(name, TimeSpan.FromMinutes(mute.Minutes)) });
    }

    public static async Task<IResult> UnmuteAsync(HttpContext context, string name, DashboardState state, IAntiforgery antiforgery)
    {
        if (await DashboardAccess.CheckActionAsync(context, antiforgery).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        return Json(new { rule = name, wasMuted = state.Unmute(name) });
    }

    public static async Task<IResult> InvalidateProjectAsync(HttpContext context, string name, DashboardState state, IAntiforgery antiforgery)
    {
        if (await DashboardAccess.CheckActionAsync(context, antiforgery).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        if (!state.Reader.Projects.Contains(name, StringComparer.Ordinal))
        {
            return Results.Problem($"No project is named '{name}'.", statusCode: StatusCodes.Status404NotFound);
        }

        return Json(new { project = name, invalidated = state.Reader.InvalidateProject(name) });
    }

    /// <summary>
    /// Writes JSON with the default (strict) encoder, whatever the application's JSON options say: keys and paths may hold
    /// markup, and '&lt;', '&gt;', '&amp;' and quotes leave as \u escapes, so no consumer can mistake them for HTML.
    /// </summary>
    internal static IResult Json<T>(T value) => Results.Json(value, JsonOptions);

    private static readonly System.Text.Json.JsonSerializerOptions JsonOptions = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.Default,
    };

    private static IResult Apply(Func<Internal.RuleView> change)
    {
        try
        {
            return Json(change());
        }
        catch (ArgumentOutOfRangeException ex)
        {
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest);
        }
        catch (ArgumentException ex)
        {
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status404NotFound);
        }
    }

    private static async Task<T?> ReadBodyAsync<T>(HttpContext context)
        where T : class
    {
        try
        {
            return await context.Request.ReadFromJsonAsync<T>(context.RequestAborted).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null; // not JSON content
        }
    }

    /// <summary>The route group's prefix, read from the matched endpoint's pattern (the page links its assets below it).</summary>
    private static string BasePath(HttpContext context)
    {
        string path = context.Request.Path.Value ?? "/";
        return path.TrimEnd('/');
    }
}
