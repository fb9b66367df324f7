using System.Collections.ObjectModel;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace FileCache.AspNetCore.Tests.Browser;

/// <summary>Headless Debian Chromium driven by Selenium through the system ChromeDriver (no download: both come from apt).</summary>
internal static class Chromium
{
    public const string BrowserPath = "/usr/bin/chromium";
    public const string DriverPath = "/usr/bin/chromedriver";

    /// <summary>Gets why the browser tests cannot run here, or null when they can.</summary>
    public static string? Missing =>
        File.Exists(BrowserPath) && File.Exists(DriverPath)
            ? null
            : $"Chromium and ChromeDriver are needed at {BrowserPath} and {DriverPath}: apt-get install -y chromium chromium-driver (.ci/run does).";

    /// <summary>Gets a value indicating whether this is CI, where a missing browser fails the tests instead of skipping them.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Collects console errors, uncaught exceptions and failed resource loads into window.__errors (injected before any page script).</summary>
    private const string ErrorHook = """
        window.__errors = [];
        (function () {
          const original = console.error.bind(console);
          console.error = function (...args) { window.__errors.push('console.error: ' + args.map(String).join(' ')); original(...args); };
          window.addEventListener('error', e => window.__errors.push('error: ' + (e.message || (e.target && (e.target.src || e.target.href)) || 'resource')), true);
          window.addEventListener('unhandledrejection', e => window.__errors.push('unhandled rejection: ' + e.reason));
          document.addEventListener('securitypolicyviolation', e => window.__errors.push('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));
        })();
        """;

    public static ChromeDriver Start(int width = 1600, int height = 1200)
    {
        if (Missing is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = BrowserPath };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", $"--window-size={width},{height}", "--force-device-scale-factor=1");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        driver.ExecuteCdpCommand("Page.addScriptToEvaluateOnNewDocument", new Dictionary<string, object?> { ["source"] = ErrorHook });
        return driver;
    }

    /// <summary>Every error the page saw: its own hook's list and the browser's SEVERE log entries (failed loads, CSP).</summary>
    public static IReadOnlyList<string> Errors(ChromeDriver driver)
    {
        var errors = new List<string>();
        if (driver.ExecuteScript("return window.__errors || [];") is ReadOnlyCollection<object> hooked)
        {
            errors.AddRange(hooked.Select(e => e?.ToString() ?? "null"));
        }

        errors.AddRange(driver.Manage().Logs.GetLog(LogType.Browser).Where(l => l.Level >= LogLevel.Severe).Select(l => "browser log: " + l.Message));
        return errors;
    }

    /// <summary>Waits (up to <paramref name="seconds"/>) until <paramref name="condition"/> holds; fails with <paramref name="what"/> and the page's errors.</summary>
    public static void WaitUntil(ChromeDriver driver, Func<bool> condition, string what, int seconds = 20)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        Exception? last = null;
        while (DateTime.UtcNow < until)
        {
            try
            {
                if (condition())
                {
                    return;
                }
            }
            catch (WebDriverException ex)
            {
                last = ex;
            }

            Thread.Sleep(100);
        }

        Assert.Fail($"Timed out after {seconds} s waiting for {what}. Page errors: [{string.Join("; ", Errors(driver))}]. Last exception: {last?.Message}");
    }

    // The page re-renders every second, so an element found in one call may be gone by the next: every read and click
    // below is one script, atomic with respect to rendering.

    /// <summary>Gets the text of the element with id <paramref name="id"/>.</summary>
    public static string Text(ChromeDriver driver, string id) => TextOf(driver, "#" + id) ?? throw new InvalidOperationException($"No element #{id}.");

    /// <summary>Gets the text of the first element matching <paramref name="css"/>, or null.</summary>
    public static string? TextOf(ChromeDriver driver, string css) =>
        (string?)driver.ExecuteScript("const e = document.querySelector(arguments[0]); return e ? e.textContent : null;", css);

    /// <summary>Gets the number of elements matching <paramref name="css"/>.</summary>
    public static long Count(ChromeDriver driver, string css) =>
        (long)driver.ExecuteScript("return document.querySelectorAll(arguments[0]).length;", css)!;

    /// <summary>Gets an attribute of the first element matching <paramref name="css"/>, or null.</summary>
    public static string? Attribute(ChromeDriver driver, string css, string name) =>
        (string?)driver.ExecuteScript("const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;", css, name);

    /// <summary>Clicks the first element matching <paramref name="css"/>.</summary>
    public static void Click(ChromeDriver driver, string css) =>
        driver.ExecuteScript("document.querySelector(arguments[0]).click();", css);
}

/// <summary>One browser for every browser test (starting Chromium takes seconds); started on first use, so skipped tests start nothing.</summary>
public sealed class ChromiumFixture : IDisposable
{
    private readonly Lazy<ChromeDriver> _driver = new(() => Chromium.Start());

    /// <summary>Gets the browser, with the errors of earlier pages drained.</summary>
    public ChromeDriver Driver
    {
        get
        {
            var driver = _driver.Value;
            driver.Navigate().GoToUrl("about:blank");
            _ = driver.Manage().Logs.GetLog(LogType.Browser);
            return driver;
        }
    }

    public void Dispose()
    {
        if (_driver.IsValueCreated)
        {
            _driver.Value.Quit();
            _driver.Value.Dispose();
        }
    }
}

/// <summary>A test that needs Chromium: skipped with the reason when it is missing, except under CI (CI=true), where it runs and fails.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Chromium.Missing is { } reason && !Chromium.IsCi)
        {
            Skip = reason;
        }
    }
}
