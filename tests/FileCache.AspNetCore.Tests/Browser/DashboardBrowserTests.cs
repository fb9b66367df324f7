using FileCache.Monitoring;
using static FileCache.AspNetCore.Tests.Browser.Chromium;

namespace FileCache.AspNetCore.Tests.Browser;

/// <summary>The dashboard in headless Chromium, against the app on a loopback Kestrel port.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class DashboardBrowserTests(ChromiumFixture browser)
{
    private const string MarkupFile = "<img src=x onerror=alert(1)>.txt";

    [BrowserFact]
    public async Task Page_Loads_WithNoConsoleErrors_AndShowsKeysWithMarkupAsText()
    {
        foreach (bool policy in new[] { false, true })
        {
            await using var app = await TestApp.StartAsync(new TestAppOptions { Kestrel = true, Policy = policy, AdmitEveryone = true });
            await File.WriteAllTextAsync(Path.Combine(app.Root, MarkupFile), "x");
            for (int i = 0; i < 50; i++)
            {
                await app.Cache.ReadAsync(TestApp.Project, MarkupFile);
            }

            app.Monitor.TakeSnapshot();
            var driver = browser.Driver;
            driver.Navigate().GoToUrl(app.Address + "/filecache");
            WaitUntil(driver, () => Text(driver, "live") == "live", "the page to go live");
            WaitUntil(driver, () => Count(driver, "#hotkeys li[data-key]") > 0, "hot keys");

            string key = TextOf(driver, "#hotkeys li[data-key] .key")!;
            if (policy)
            {
                Assert.Equal("site:" + MarkupFile, key);
            }
            else
            {
                Assert.StartsWith("site:\u2022\u2022\u2022", key, StringComparison.Ordinal);
                Assert.Contains("redacted", Text(driver, "hot-note"), StringComparison.Ordinal);
            }

            Assert.Equal(0, Count(driver, "main img"));
            Assert.Equal(policy ? "authorised · actions on" : "local · read-only", Text(driver, "viewer"));
            Assert.NotNull(Attribute(driver, "#cluster", "hidden")); // no cluster provider: the panel is hidden
            Assert.Empty(Errors(driver));
        }
    }

    [BrowserFact]
    public async Task LiveValues_AfterAWorkload_ChangeWithoutReload()
    {
        await using var app = await TestApp.StartAsync(new TestAppOptions { Kestrel = true });
        var driver = browser.Driver;
        driver.Navigate().GoToUrl(app.Address + "/filecache");
        WaitUntil(driver, () => Text(driver, "live") == "live", "the page to go live");
        WaitUntil(driver, () => Text(driver, "entries") == "0", "zero entries");
        Assert.Equal("0 requests since start", Text(driver, "req-total"));
        driver.ExecuteScript("window.__sameDocument = 42;");

        await app.WorkloadAsync(hitsEach: 9); // 20 misses, 180 hits

        WaitUntil(driver, () => Text(driver, "req-total") == "200 requests since start", "the request count to reach 200");
        WaitUntil(driver, () => Text(driver, "entries") == "20", "20 entries");
        Assert.Equal("90.0%", Text(driver, "hit-ratio"));
        Assert.Equal(1, Count(driver, "#projects tbody tr"));
        Assert.Equal("20", TextOf(driver, "#projects tbody tr[data-project='site'] td:nth-child(4)"));
        Assert.Equal(42L, driver.ExecuteScript("return window.__sameDocument;"));
        Assert.Empty(Errors(driver));
    }

    [BrowserFact]
    public async Task LowHitRatio_RaisesAnAlert_ThatAppearsOnThePage()
    {
        await using var app = await TestApp.StartAsync(new TestAppOptions
        {
            Kestrel = true,
            Cache = o => o.Monitoring.Rules.Add(new AlertRule
            {
                Name = "test-low-hit-ratio",
                Metric = AlertMetric.HitRatio,
                Comparison = AlertComparison.Below,
                Threshold = 0.5,
                Window = TimeSpan.Zero,
                MinimumEvents = 10,
            }),
        });
        var driver = browser.Driver;
        driver.Navigate().GoToUrl(app.Address + "/filecache");
        WaitUntil(driver, () => Text(driver, "live") == "live", "the page to go live");
        Assert.Equal("No active alert", Text(driver, "alerts-active"));
        Assert.Equal("0", Text(driver, "alert-count"));

        app.Monitor.TakeSnapshot();
        await app.WorkloadAsync(hitsEach: 0); // 20 misses, no hit: ratio 0
        app.Monitor.TakeSnapshot();           // evaluates the rules: raised
        Assert.Contains(app.Monitor.ActiveAlerts, a => a.RuleName == "test-low-hit-ratio");

        WaitUntil(driver, () => Count(driver, "#alerts-active li[data-rule='test-low-hit-ratio']") == 1, "the alert on the page");
        Assert.Contains("test-low-hit-ratio", Text(driver, "alerts-active"), StringComparison.Ordinal);
        Assert.Contains("0.0%", Text(driver, "alerts-active"), StringComparison.Ordinal);
        Assert.Equal("1", Text(driver, "alert-count"));
        Assert.Contains("raised", Text(driver, "alerts-recent"), StringComparison.Ordinal);
        Assert.Contains("firing", Attribute(driver, "#rules tr[data-rule='test-low-hit-ratio']", "class"), StringComparison.Ordinal);
        Assert.Empty(Errors(driver));
    }

    [BrowserFact]
    public async Task Threshold_ChangedOnThePage_WithAPolicy_ReachesTheMonitor_AndMuteShows()
    {
        await using var app = await TestApp.StartAsync(new TestAppOptions { Kestrel = true, Policy = true, AdmitEveryone = true });
        var driver = browser.Driver;
        driver.Navigate().GoToUrl(app.Address + "/filecache");
        WaitUntil(driver, () => Text(driver, "live") == "live", "the page to go live");
        string row = $"#rules tr[data-rule='{BuiltInAlertRules.LowHitRatio}']";
        WaitUntil(driver, () => Count(driver, row + " input[name='threshold']") == 1, "editable rules");

        // Type a threshold and press Save in one script: the row is re-rendered every second.
        driver.ExecuteScript("const r = document.querySelector(arguments[0]); r.querySelector(\"input[name='threshold']\").value = '0.7'; r.querySelector(\"input[name='resolve']\").value = '0.75'; r.querySelector(\"button[data-action='save']\").click();", row);
        WaitUntil(driver, () => app.Monitor.Rules.Single(r => r.Name == BuiltInAlertRules.LowHitRatio).Threshold == 0.7, "the monitor's threshold to be 0.7");
        WaitUntil(driver, () => Attribute(driver, row, "class")!.Contains("changed", StringComparison.Ordinal), "the row marked changed");

        Click(driver, row + " button[data-action='mute']");
        WaitUntil(driver, () => Count(driver, row + " button[data-action='unmute']") == 1, "the rule muted");
        Click(driver, row + " button[data-action='reset']");
        WaitUntil(driver, () => app.Monitor.Rules.Single(r => r.Name == BuiltInAlertRules.LowHitRatio).Threshold == 0.5, "the default threshold back");
        Assert.Empty(Errors(driver));
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserTestGroup : ICollectionFixture<ChromiumFixture>
{
    public const string Name = "browser";
}
