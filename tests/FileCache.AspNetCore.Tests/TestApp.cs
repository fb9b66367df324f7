using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using FileCache.DependencyInjection;
using FileCache.Monitoring;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FileCache.AspNetCore.Tests;

/// <summary>How a <see cref="TestApp"/> is built.</summary>
internal sealed class TestAppOptions
{
    /// <summary>Map the dashboard with RequireAuthorization("dashboard"); the test scheme admits requests with <see cref="TestApp.UserHeader"/> (or everyone with <see cref="AdmitEveryone"/>).</summary>
    public bool Policy { get; init; }

    public bool AdmitEveryone { get; init; }

    /// <summary>Kestrel on 127.0.0.1 (for the browser) instead of the in-memory test server.</summary>
    public bool Kestrel { get; init; }

    public TimeProvider? Time { get; init; }

    public Action<FileCacheOptions>? Cache { get; init; }

    public Action<IServiceCollection>? Services { get; init; }
}

/// <summary>An app with a FileCache over a temporary directory and the dashboard at <c>/filecache</c>.</summary>
internal sealed class TestApp : IAsyncDisposable
{
    public const string UserHeader = "X-Test-User";
    public const string RemoteHeader = "X-Test-Remote";
    public const string Project = "site";

    private TestApp(WebApplication app, string root)
    {
        App = app;
        Root = root;
    }

    public WebApplication App { get; }

    public string Root { get; }

    public IFileCache Cache => App.Services.GetRequiredService<IFileCache>();

    public CacheMonitor Monitor => App.Services.GetRequiredService<CacheMonitor>();

    /// <summary>The Kestrel address (Kestrel mode only).</summary>
    public string Address => App.Urls.Single();

    public static async Task<TestApp> StartAsync(TestAppOptions? options = null)
    {
        options ??= new TestAppOptions();
        string root = Path.Combine(Path.GetTempPath(), "filecache-dash-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        for (int i = 0; i < 20; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(root, $"file{i:00}.txt"), new string('x', 100 + i));
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (options.Kestrel)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        if (options.Time is { } time)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddFileCache(o =>
        {
            o.MaxBytes = 16L * 1024 * 1024;
            o.AddProject(Project, root);
            o.Statistics.HistoryInterval = null; // tests take snapshots themselves
            o.Statistics.HitSampleRate = 1;
            o.Statistics.HitTimingRate = 1;
            options.Cache?.Invoke(o);
        }).AddDashboard();
        builder.Services.AddAuthentication("Test").AddScheme<TestAuthOptions, TestAuthHandler>("Test", o => o.AdmitEveryone = options.AdmitEveryone);
        builder.Services.AddAuthorization(o => o.AddPolicy("dashboard", p => p.RequireAuthenticatedUser()));
        options.Services?.Invoke(builder.Services);

        var app = builder.Build();
        if (!options.Kestrel)
        {
            // The in-memory server has no remote address: tests say which one the request comes from.
            app.Use((context, next) =>
            {
                if (context.Request.Headers.TryGetValue(RemoteHeader, out var remote))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(remote.ToString());
                }

                return next(context);
            });
        }

        app.UseAuthentication();
        app.UseAuthorization();
        var dashboard = app.MapFileCacheDashboard("/filecache");
        if (options.Policy)
        {
            dashboard.RequireAuthorization("dashboard");
        }

        await app.StartAsync();
        return new TestApp(app, root);
    }

    /// <summary>A client of the in-memory server whose requests come from <paramref name="remote"/>, as <paramref name="user"/> if given.</summary>
    public HttpClient Client(string remote = "127.0.0.1", string? user = null)
    {
        var client = App.GetTestServer().CreateClient();
        client.DefaultRequestHeaders.Add(RemoteHeader, remote);
        if (user is not null)
        {
            client.DefaultRequestHeaders.Add(UserHeader, user);
        }

        return client;
    }

    /// <summary>Reads every file <paramref name="hitsEach"/> + 1 times: 20 misses, 20 * hitsEach hits.</summary>
    public async Task WorkloadAsync(int hitsEach)
    {
        for (int i = 0; i < 20; i++)
        {
            for (int n = 0; n <= hitsEach; n++)
            {
                await Cache.ReadAsync(Project, $"file{i:00}.txt");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal sealed class TestAuthOptions : AuthenticationSchemeOptions
{
    public bool AdmitEveryone { get; set; }
}

/// <summary>Authenticates a request that names a user in <see cref="TestApp.UserHeader"/> (or every request, when told to).</summary>
internal sealed class TestAuthHandler(IOptionsMonitor<TestAuthOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<TestAuthOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? user = Request.Headers[TestApp.UserHeader];
        if (string.IsNullOrEmpty(user) && Options.AdmitEveryone)
        {
            user = "browser";
        }

        if (string.IsNullOrEmpty(user))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }
}
