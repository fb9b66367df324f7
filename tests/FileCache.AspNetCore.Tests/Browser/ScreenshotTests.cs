using FileCache.Invalidation;
using FileCache.Monitoring;
using Microsoft.Extensions.Time.Testing;
using OpenQA.Selenium;
using static FileCache.AspNetCore.Tests.Browser.Chromium;

namespace FileCache.AspNetCore.Tests.Browser;

/// <summary>
/// Drives six minutes of a skewed workload (on a fake clock, a snapshot every 10 s) through two projects, with a scan
/// that drags the hit ratio down and raises an alert, invalidations and a few failed loads; then photographs the page.
/// The picture goes to <c>$FILECACHE_SCREENSHOT</c> when set (the README's <c>docs/dashboard.png</c> was made so), else
/// next to the test assembly.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ScreenshotTests(ChromiumFixture browser)
{
    [BrowserFact]
    public async Task Dashboard_UnderAWorkload_RendersEveryPanel_AndIsPhotographed()
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-6);
        var time = new WallTimestamps(start);
        string docs = Path.Combine(Path.GetTempPath(), "filecache-docs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(docs, "guides"));
        var random = new Random(7);
        for (int i = 0; i < 120; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(docs, "guides", $"page{i:000}.md"), new byte[1024 + random.Next(12 * 1024)]);
        }

        try
        {
            await using var app = await TestApp.StartAsync(new TestAppOptions
            {
                Kestrel = true,
                Policy = true,
                AdmitEveryone = true,
                Time = time,
                Cache = o =>
                {
                    o.MaxBytes = 400 * 1024;
                    o.AddProject("docs", docs);
                    o.Monitoring.Rules.Add(new AlertRule { Name = "hit-ratio-dip", Metric = AlertMetric.HitRatio, Comparison = AlertComparison.Below, Threshold = 0.7, ResolveThreshold = 0.8, Window = TimeSpan.Zero, MinimumEvents = 50 });
                },
            });
            var cache = app.Cache;
            var docKeys = Enumerable.Range(0, 120).Select(i => cache.CreateKey("docs", $"guides/page{i:000}.md")).ToArray();
            var siteKeys = Enumerable.Range(0, 20).Select(i => cache.CreateKey(TestApp.Project, $"file{i:00}.txt")).ToArray();
            app.Monitor.TakeSnapshot();
            for (int phase = 1; phase <= 36; phase++)
            {
                bool scan = phase is >= 14 and <= 18;
                int reads = 400 + (phase % 7) * 60;
                for (int r = 0; r < reads; r++)
                {
                    // Zipf-like: low indexes far more often; during the scan, the whole docs tree in order.
                    var key = scan ? docKeys[(r + phase * 37) % docKeys.Length]
                        : r % 3 == 0 ? siteKeys[Zipf(random, siteKeys.Length)]
                        : docKeys[Zipf(random, 40)];
                    await cache.ReadAsync(key);
                }

                if (phase % 6 == 0)
                {
                    cache.Invalidate(InvalidationRequest.ForDirectory("docs", "guides"));
                }

                if (phase % 5 == 0)
                {
                    await Assert.ThrowsAsync<FileNotFoundException>(async () => await cache.ReadAsync("docs", $"guides/missing{phase}.md"));
                }

                time.Advance(TimeSpan.FromSeconds(10));
                app.Monitor.TakeSnapshot();
            }

            Assert.Contains(app.Monitor.Rules, r => r.Name == "hit-ratio-dip");
            using var stop = new CancellationTokenSource();
            var background = Task.Run(async () =>
            {
                var rnd = new Random(11);
                while (!stop.IsCancellationRequested)
                {
                    await cache.ReadAsync(docKeys[Zipf(rnd, 40)]);
                    await Task.Delay(1);
                }
            });

            var driver = browser.Driver;
            driver.Navigate().GoToUrl(app.Address + "/filecache");
            WaitUntil(driver, () => Text(driver, "live") == "live", "the page to go live");
            driver.FindElement(By.CssSelector("#windows button[data-window='all']")).Click();
            WaitUntil(driver, () => Count(driver, "#chart-hit path.l1") == 1 && Count(driver, "#hotkeys li[data-key]") >= 10, "charts and hot keys");
            WaitUntil(driver, () => Text(driver, "rps") is { } rps && rps != "–" && rps != "0/s", "a request rate");
            Assert.Equal(2, Count(driver, "#projects tbody tr"));
            Assert.True(Count(driver, "#evictions .bar-row") == 5);
            Assert.Contains("raised", Text(driver, "alerts-recent"), StringComparison.Ordinal);
            Assert.Empty(Errors(driver));

            long height = (long)driver.ExecuteScript("return document.documentElement.scrollHeight;")!;
            driver.Manage().Window.Size = new System.Drawing.Size(1600, (int)Math.Min(4000, height + 20));
            await Task.Delay(1500); // one more refresh at the new size
            string target = Environment.GetEnvironmentVariable("FILECACHE_SCREENSHOT") is { Length: > 0 } path
                ? path
                : Path.Combine(AppContext.BaseDirectory, "dashboard.png");
            driver.GetScreenshot().SaveAsFile(target);
            Assert.True(new FileInfo(target).Length > 20_000, "the screenshot is not blank");
            await stop.CancelAsync();
            await background;
        }
        finally
        {
            Directory.Delete(docs, recursive: true);
        }
    }

    /// <summary>A fake clock for dates and timers, with real timestamps, so that durations (latency) are measured.</summary>
    private sealed class WallTimestamps(DateTimeOffset start) : FakeTimeProvider(start)
    {
        public override long TimestampFrequency => System.TimestampFrequency;

        public override long GetTimestamp() => System.GetTimestamp();
    }

    private static int Zipf(Random random, int n) => (int)Math.Min(n - 1, Math.Floor(Math.Pow(n + 1, random.NextDouble()) - 1));
}
