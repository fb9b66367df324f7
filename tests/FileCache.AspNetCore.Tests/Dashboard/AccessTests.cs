using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FileCache.Monitoring;
using Microsoft.AspNetCore.TestHost;

namespace FileCache.AspNetCore.Tests.Dashboard;

/// <summary>Who may see the dashboard, who sees keys, and who may act; through the in-memory server with fake remote addresses.</summary>
public sealed class AccessTests
{
    [Theory]
    [InlineData("/filecache")]
    [InlineData("/filecache/api/summary")]
    [InlineData("/filecache/api/alerts")]
    [InlineData("/filecache/assets/dashboard.js")]
    public async Task NonLoopbackRequest_WithoutPolicy_IsRefused(string path)
    {
        await using var app = await TestApp.StartAsync();
        using var remote = app.Client("203.0.113.7");
        var response = await remote.GetAsync(path);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("loopback", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var local = app.Client("127.0.0.1");
        Assert.Equal(HttpStatusCode.OK, (await local.GetAsync(path)).StatusCode);
        using var local6 = app.Client("::1");
        Assert.Equal(HttpStatusCode.OK, (await local6.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task RequestWithoutRemoteAddress_WithoutPolicy_IsRefused()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.App.GetTestServer().CreateClient();
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/filecache/api/summary")).StatusCode);
    }

    [Fact]
    public async Task LoopbackViewer_WithoutPolicy_SeesFiguresButNotKeys()
    {
        await using var app = await TestApp.StartAsync();
        await app.WorkloadAsync(hitsEach: 4);
        using var local = app.Client();
        using var doc = JsonDocument.Parse(await local.GetStringAsync("/filecache/api/summary"));
        var root = doc.RootElement;
        Assert.False(root.GetProperty("authorized").GetBoolean());
        Assert.Equal(80, root.GetProperty("totals").GetProperty("hits").GetInt64());
        var hot = root.GetProperty("hotKeys").EnumerateArray().ToArray();
        Assert.NotEmpty(hot);
        Assert.All(hot, h =>
        {
            Assert.True(h.GetProperty("redacted").GetBoolean());
            Assert.StartsWith("site:\u2022\u2022\u2022 ", h.GetProperty("key").GetString(), StringComparison.Ordinal);
        });
        Assert.DoesNotContain("file0", doc.RootElement.GetRawText(), StringComparison.Ordinal);

        using var session = JsonDocument.Parse(await local.GetStringAsync("/filecache/api/session"));
        Assert.False(session.RootElement.GetProperty("actionsEnabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, session.RootElement.GetProperty("antiforgeryToken").ValueKind);
    }

    [Fact]
    public async Task RemoteViewer_WithPolicy_IsAdmittedBySchemeAndSeesKeys()
    {
        await using var app = await TestApp.StartAsync(new TestAppOptions { Policy = true });
        await app.WorkloadAsync(hitsEach: 4);

        using var anonymous = app.Client("203.0.113.7");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/filecache/api/summary")).StatusCode);
        using var anonymousLocal = app.Client("127.0.0.1");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymousLocal.GetAsync("/filecache/api/summary")).StatusCode);

        using var admitted = app.Client("203.0.113.7", user: "ops");
        using var doc = JsonDocument.Parse(await admitted.GetStringAsync("/filecache/api/summary"));
        Assert.True(doc.RootElement.GetProperty("authorized").GetBoolean());
        var keys = doc.RootElement.GetProperty("hotKeys").EnumerateArray().Select(h => h.GetProperty("key").GetString()).ToArray();
        Assert.Contains(keys, k => k!.StartsWith("site:file", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Action_WithoutPolicy_IsRefused_AndChangesNothing()
    {
        await using var app = await TestApp.StartAsync();
        using var local = app.Client();
        var response = await local.PostAsJsonAsync($"/filecache/api/alerts/rules/{BuiltInAlertRules.LowHitRatio}", new { threshold = 0.9, resolveThreshold = 0.95 });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("read-only", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await app.Cache.ReadAsync(TestApp.Project, "file00.txt");
        Assert.Equal(HttpStatusCode.Forbidden, (await local.PostAsync("/filecache/api/projects/site/invalidate", null)).StatusCode);
        Assert.Equal(1, app.Cache.GetStatistics().Total.Entries);
        Assert.Equal(0.5, app.Monitor.Rules.Single(r => r.Name == BuiltInAlertRules.LowHitRatio).Threshold);
    }

    [Fact]
    public async Task Action_WithPolicyButWithoutAntiforgeryToken_IsRefused_WithTokenApplies()
    {
        await using var app = await TestApp.StartAsync(new TestAppOptions { Policy = true });
        using var client = app.Client("203.0.113.7", user: "ops");
        string path = $"/filecache/api/alerts/rules/{BuiltInAlertRules.LowHitRatio}";

        var refused = await client.PostAsJsonAsync(path, new { threshold = 0.9, resolveThreshold = 0.95 });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("antiforgery", await refused.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0.5, Rule(app).Threshold);

        // A token without its cookie, and a cookie without its token, are refused too.
        var (header, token, cookie) = await AntiforgeryAsync(client);
        using (var tokenOnly = Post(path, """{"threshold":0.9,"resolveThreshold":0.95}""", (header, token)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(tokenOnly)).StatusCode);
        }

        using (var cookieOnly = Post(path, """{"threshold":0.9,"resolveThreshold":0.95}""", ("Cookie", cookie)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(cookieOnly)).StatusCode);
        }

        Assert.Equal(0.5, Rule(app).Threshold);

        using var ok = Post(path, """{"threshold":0.9,"resolveThreshold":0.95}""", (header, token), ("Cookie", cookie));
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(ok)).StatusCode);
        Assert.Equal(0.9, Rule(app).Threshold);
        Assert.Equal(0.95, Rule(app).ResolveThreshold);

        using var alerts = JsonDocument.Parse(await client.GetStringAsync("/filecache/api/alerts"));
        var rule = alerts.RootElement.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("name").GetString() == BuiltInAlertRules.LowHitRatio);
        Assert.True(rule.GetProperty("changed").GetBoolean());
        Assert.Equal(0.5, rule.GetProperty("defaultThreshold").GetDouble());

        using var reset = Post(path + "/reset", "{}", (header, token), ("Cookie", cookie));
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(reset)).StatusCode);
        Assert.Equal(0.5, Rule(app).Threshold);
        Assert.Equal(0.6, Rule(app).ResolveThreshold);

        using var bad = Post(path, """{"threshold":0.5,"resolveThreshold":0.1}""", (header, token), ("Cookie", cookie));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(bad)).StatusCode);
        using var unknown = Post("/filecache/api/alerts/rules/nope", """{"threshold":1}""", (header, token), ("Cookie", cookie));
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(unknown)).StatusCode);
    }

    [Fact]
    public async Task InvalidateProject_WithPolicyAndToken_DropsTheProjectsEntries()
    {
        await using var app = await TestApp.StartAsync(new TestAppOptions { Policy = true });
        await app.WorkloadAsync(hitsEach: 0);
        Assert.Equal(20, app.Cache.GetStatistics().Total.Entries);
        using var client = app.Client("203.0.113.7", user: "ops");
        var (header, token, cookie) = await AntiforgeryAsync(client);

        using var request = Post("/filecache/api/projects/site/invalidate", "{}", (header, token), ("Cookie", cookie));
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(20, doc.RootElement.GetProperty("invalidated").GetInt32());
        Assert.Equal(0, app.Cache.GetStatistics().Total.Entries);

        using var unknown = Post("/filecache/api/projects/nope/invalidate", "{}", (header, token), ("Cookie", cookie));
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(unknown)).StatusCode);
    }

    [Fact]
    public async Task Page_IsSelfContained_WithStrictContentSecurityPolicy()
    {
        await using var app = await TestApp.StartAsync();
        using var local = app.Client();
        var response = await local.GetAsync("/filecache");
        string html = await response.Content.ReadAsStringAsync();
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        string csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("src=\"/filecache/assets/dashboard.js\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        string js = await local.GetStringAsync("/filecache/assets/dashboard.js");
        Assert.DoesNotContain("innerHTML", js, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", js, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await local.GetAsync("/filecache/assets/nope.js")).StatusCode);
    }

    [Fact]
    public async Task KeyWithMarkup_IsEscapedInTheJson()
    {
        await using var app = await TestApp.StartAsync(new TestAppOptions { Policy = true });
        await File.WriteAllTextAsync(Path.Combine(app.Root, "<img src=x onerror=alert(1)>.txt"), "x");
        for (int i = 0; i < 5; i++)
        {
            await app.Cache.ReadAsync(TestApp.Project, "<img src=x onerror=alert(1)>.txt");
        }

        using var client = app.Client("203.0.113.7", user: "ops");
        string json = await client.GetStringAsync("/filecache/api/summary");
        Assert.DoesNotContain("<img", json, StringComparison.Ordinal);
        Assert.Contains("\\u003Cimg src=x onerror=alert(1)\\u003E.txt", json, StringComparison.Ordinal);
    }

    internal static AlertRule Rule(TestApp app) => app.Monitor.Rules.Single(r => r.Name == BuiltInAlertRules.LowHitRatio);

    internal static async Task<(string Header, string Token, string Cookie)> AntiforgeryAsync(HttpClient client)
    {
        var response = await client.GetAsync("/filecache/api/session");
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(doc.RootElement.GetProperty("actionsEnabled").GetBoolean());
        string cookie = string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        return (doc.RootElement.GetProperty("antiforgeryHeader").GetString()!, doc.RootElement.GetProperty("antiforgeryToken").GetString()!, cookie);
    }

    internal static HttpRequestMessage Post(string path, string json, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }
}
