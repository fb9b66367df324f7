using System.Diagnostics;
using System.Net;
using System.Text.Json;
using FileCache.Cluster;
using FileCache.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.AspNetCore.Tests.Dashboard;

/// <summary>The JSON API: windows, history, mutes, the cluster panel, options and mapping errors.</summary>
public sealed class ApiTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Summary_BadWindow_Is400_NamingTheChoices()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.Client();
        var response = await client.GetAsync("/filecache/api/summary?window=2d");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("5m, 1h or all", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_Window_KeepsTheSnapshotsInItAndTheOneBefore_WithIntervalRatios()
    {
        var time = new FakeTimeProvider(Start);
        await using var app = await TestApp.StartAsync(new TestAppOptions { Time = time });
        using var client = app.Client();
        app.Monitor.TakeSnapshot();                 // @0: nothing
        time.Advance(TimeSpan.FromMinutes(10));
        await app.WorkloadAsync(hitsEach: 1);       // 20 misses, 20 hits
        app.Monitor.TakeSnapshot();                 // @10 min: ratio 0.5 over the interval
        time.Advance(TimeSpan.FromMinutes(2));
        await app.WorkloadAsync(hitsEach: 3);       // 80 hits, no miss
        app.Monitor.TakeSnapshot();                 // @12 min: ratio 1
        time.Advance(TimeSpan.FromMinutes(1));

        using var five = JsonDocument.Parse(await client.GetStringAsync("/filecache/api/history?window=5m"));
        var points = five.RootElement.GetProperty("points").EnumerateArray().ToArray();
        Assert.Equal(2, points.Length); // @10 (before the window, the base) and @12
        Assert.Equal(0.5, points[0].GetProperty("hitRatio").GetDouble());
        Assert.Equal(1.0, points[1].GetProperty("hitRatio").GetDouble());
        Assert.Equal(80 / 120.0, points[1].GetProperty("requestsPerSecond").GetDouble(), 6);
        Assert.Equal(1.0, five.RootElement.GetProperty("hitRatio").GetDouble()); // from @10 to now: 80 hits
        Assert.Equal(80, five.RootElement.GetProperty("requests").GetInt64());

        using var all = JsonDocument.Parse(await client.GetStringAsync("/filecache/api/history?window=all"));
        var allPoints = all.RootElement.GetProperty("points").EnumerateArray().ToArray();
        Assert.Equal(3, allPoints.Length);
        Assert.Equal(JsonValueKind.Null, allPoints[0].GetProperty("hitRatio").ValueKind);
        Assert.Equal(100 / 120.0, all.RootElement.GetProperty("hitRatio").GetDouble(), 9);
    }

    [Fact]
    public async Task Mute_ShowsUntilWhen_ExpiresOnTheClock_UnmuteClears()
    {
        var time = new FakeTimeProvider(Start);
        await using var app = await TestApp.StartAsync(new TestAppOptions { Policy = true, Time = time });
        using var client = app.Client("203.0.113.7", user: "ops");
        var (header, token, cookie) = await AccessTests.AntiforgeryAsync(client);
        string rule = BuiltInAlertRules.LowHitRatio;

        using (var tooLong = AccessTests.Post($"/filecache/api/alerts/rules/{rule}/mute", """{"minutes":1000000}""", (header, token), ("Cookie", cookie)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(tooLong)).StatusCode);
        }

        using (var mute = AccessTests.Post($"/filecache/api/alerts/rules/{rule}/mute", """{"minutes":60}""", (header, token), ("Cookie", cookie)))
        {
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(mute)).StatusCode);
        }

        Assert.Equal(Start.AddHours(1), await MutedUntilAsync(client, rule));
        time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(Start.AddHours(1), await MutedUntilAsync(client, rule));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await MutedUntilAsync(client, rule));

        using (var again = AccessTests.Post($"/filecache/api/alerts/rules/{rule}/mute", """{"minutes":5}""", (header, token), ("Cookie", cookie)))
        {
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(again)).StatusCode);
        }

        using (var unmute = AccessTests.Post($"/filecache/api/alerts/rules/{rule}/unmute", "{}", (header, token), ("Cookie", cookie)))
        {
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(unmute)).StatusCode);
        }

        Assert.Null(await MutedUntilAsync(client, rule));
    }

    [Fact]
    public async Task RecentAlerts_RecordRaisedAndResolved_NewestFirst()
    {
        var time = new FakeTimeProvider(Start);
        await using var app = await TestApp.StartAsync(new TestAppOptions
        {
            Time = time,
            Cache = o => o.Monitoring.Rules.Add(new AlertRule { Name = "low", Metric = AlertMetric.HitRatio, Comparison = AlertComparison.Below, Threshold = 0.5, Window = TimeSpan.Zero, MinimumEvents = 10 }),
        });
        using var client = app.Client();
        app.Monitor.TakeSnapshot();
        time.Advance(TimeSpan.FromSeconds(10));
        await app.WorkloadAsync(hitsEach: 0);
        app.Monitor.TakeSnapshot(); // raised
        time.Advance(TimeSpan.FromSeconds(10));
        await app.WorkloadAsync(hitsEach: 2);
        app.Monitor.TakeSnapshot(); // resolved

        using var doc = JsonDocument.Parse(await client.GetStringAsync("/filecache/api/alerts"));
        var recent = doc.RootElement.GetProperty("recent").EnumerateArray().ToArray();
        Assert.Equal(["resolved", "raised"], recent.Select(r => r.GetProperty("kind").GetString()!).ToArray());
        Assert.All(recent, r => Assert.Equal("low", r.GetProperty("alert").GetProperty("rule").GetString()));
        Assert.Empty(doc.RootElement.GetProperty("active").EnumerateArray());
    }

    [Fact]
    public async Task Cluster_NoProvider_IsNull()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.Client();
        using var doc = JsonDocument.Parse(await client.GetStringAsync("/filecache/api/summary"));
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("cluster").ValueKind);
    }

    [Fact]
    public async Task Cluster_FakeProvider_IsReported_KeyScopesRedactedForViewersNotAuthorised()
    {
        var fake = new FakeClusterStatus();
        await using var app = await TestApp.StartAsync(new TestAppOptions { Policy = true, Services = s => s.AddSingleton<IFileCacheClusterStatus>(fake) });

        using var admitted = app.Client("203.0.113.7", user: "ops");
        using var doc = JsonDocument.Parse(await admitted.GetStringAsync("/filecache/api/summary"));
        var cluster = doc.RootElement.GetProperty("cluster");
        Assert.Equal("node-a", cluster.GetProperty("nodeId").GetString());
        Assert.Equal(41, cluster.GetProperty("appliedSequence").GetInt64());
        Assert.Equal(12, cluster.GetProperty("ackP99Ms").GetDouble());
        var members = cluster.GetProperty("members").EnumerateArray().ToArray();
        Assert.Equal(["node-a", "node-b"], members.Select(m => m.GetProperty("id").GetString()!).ToArray());
        Assert.Equal("Lost", members[1].GetProperty("lease").GetString());
        Assert.False(members[1].GetProperty("isAlive").GetBoolean());
        var owners = cluster.GetProperty("ownership").EnumerateArray().ToArray();
        Assert.Equal("site:secret/path.txt", owners[1].GetProperty("scope").GetString());
        Assert.Equal(["node-b"], owners[0].GetProperty("mirrors").EnumerateArray().Select(m => m.GetString()!).ToArray());

        await using var open = await TestApp.StartAsync(new TestAppOptions { Services = s => s.AddSingleton<IFileCacheClusterStatus>(fake) });
        using var local = open.Client();
        string json = await local.GetStringAsync("/filecache/api/summary");
        Assert.DoesNotContain("secret", json, StringComparison.Ordinal);
        Assert.Contains("\"scope\":\"site\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cluster_ProviderThatHangs_DoesNotHangThePage_PanelShowsTheFailure()
    {
        var fake = new FakeClusterStatus { Hang = true };
        await using var app = await TestApp.StartAsync(new TestAppOptions { Services = s => s.AddSingleton<IFileCacheClusterStatus>(fake) });
        using var client = app.Client();
        var watch = Stopwatch.StartNew();
        using var doc = JsonDocument.Parse(await client.GetStringAsync("/filecache/api/summary"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
        var cluster = doc.RootElement.GetProperty("cluster");
        Assert.True(cluster.GetProperty("isDegraded").GetBoolean());
        Assert.Contains("did not answer", cluster.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidOptions_FailAtStart_NamingTheField()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddFileCache(o => o.AddProject("p", rootPath: null)).AddDashboard(o =>
        {
            o.RefreshInterval = TimeSpan.FromMilliseconds(5);
            o.HotKeyCount = 0;
        });
        await using var app = builder.Build();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("FileCacheDashboardOptions.RefreshInterval", ex.Message, StringComparison.Ordinal);
        Assert.Contains("FileCacheDashboardOptions.HotKeyCount", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Map_WithoutAddDashboard_OrWithABadPrefix_Throws()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddFileCache(o => o.AddProject("p", rootPath: null));
        await using var app = builder.Build();
        Assert.Contains("AddDashboard", Assert.Throws<InvalidOperationException>(() => app.MapFileCacheDashboard()).Message, StringComparison.Ordinal);

        var withServices = WebApplication.CreateSlimBuilder();
        withServices.Services.AddFileCache(o => o.AddProject("p", rootPath: null)).AddDashboard();
        await using var app2 = withServices.Build();
        Assert.Equal("prefix", Assert.Throws<ArgumentException>(() => app2.MapFileCacheDashboard("filecache")).ParamName);
        Assert.Equal("prefix", Assert.Throws<ArgumentException>(() => app2.MapFileCacheDashboard("/cache/{id}")).ParamName);
    }

    private static async Task<DateTimeOffset?> MutedUntilAsync(HttpClient client, string rule)
    {
        using var doc = JsonDocument.Parse(await client.GetStringAsync("/filecache/api/alerts"));
        var r = doc.RootElement.GetProperty("rules").EnumerateArray().Single(x => x.GetProperty("name").GetString() == rule);
        var until = r.GetProperty("mutedUntil");
        return until.ValueKind == JsonValueKind.Null ? null : until.GetDateTimeOffset();
    }
}
