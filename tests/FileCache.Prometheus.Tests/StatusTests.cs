using System.Diagnostics;
using System.Net;
using FileCache.Prometheus;
using Microsoft.AspNetCore.Builder;

namespace FileCache.Prometheus.Tests;

/// <summary>Each exception a read documents becomes a fitting status, never a 500; a hung read does not hold up shutdown.</summary>
public sealed class StatusTests : IAsyncLifetime
{
    private readonly string _base = Path.Combine(Path.GetTempPath(), "filecache-prom-status-" + Guid.NewGuid().ToString("N"));
    private string Root => Path.Combine(_base, "site");
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(Root, "docs"));
        await File.WriteAllTextAsync(Path.Combine(Root, "index.html"), "hello");
        await File.WriteAllTextAsync(Path.Combine(_base, "secret.txt"), "outside the root");
        File.CreateSymbolicLink(Path.Combine(Root, "escape.txt"), Path.Combine(_base, "secret.txt"));
        _app = SampleApp.Create(["--urls", "http://127.0.0.1:0", "--root", Root]);
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        Directory.Delete(_base, recursive: true);
    }

    [Theory]
    [InlineData("index.html", HttpStatusCode.OK)]
    [InlineData("missing.txt", HttpStatusCode.NotFound)]
    [InlineData("nowhere/missing.txt", HttpStatusCode.NotFound)]
    [InlineData("docs", HttpStatusCode.NotFound)]
    [InlineData("escape.txt", HttpStatusCode.Forbidden)]
    [InlineData("bad%00name.txt", HttpStatusCode.BadRequest)]
    public async Task Files_EachDocumentedFailure_GetsItsStatus(string path, HttpStatusCode expected)
    {
        using var response = await _http.GetAsync(new Uri("/files/" + path, UriKind.Relative));
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Stop_WhileAReadHangs_DoesNotWaitForIt()
    {
        // A named pipe with no writer: opening it for reading blocks until someone writes, which nobody does.
        string fifo = Path.Combine(Root, "pipe");
        using (var mkfifo = Process.Start("mkfifo", fifo))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        using var client = new HttpClient { BaseAddress = _http.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var hung = client.GetAsync(new Uri("/files/pipe", UriKind.Relative));
        await Task.Delay(200); // let the request reach the read (the test holds no lock on it: the bound below is what counts)
        Assert.False(hung.IsCompleted, "the read of a pipe with no writer finished");

        var stopped = Stopwatch.StartNew();
        var stop = _app.StopAsync();
        var first = await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.True(first == stop, "StopAsync still waited for the hung read after 10 s (the host's shutdown timeout is 30 s)");
        await stop;
        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(10));

        // The hung request was answered (503) or cut off; it does not linger.
        try
        {
            using var response = await hung.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }
        catch (HttpRequestException)
        {
        }

        // Release the blocked open() so no thread stays stuck in this process.
        await File.WriteAllTextAsync(fifo, string.Empty).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
