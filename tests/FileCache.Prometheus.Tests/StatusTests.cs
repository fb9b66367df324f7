using System.Diagnostics;
using System.Net;
using FileCache.Prometheus;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FileCache.Prometheus.Tests;

/// <summary>Each exception a read documents becomes a fitting status, never a 500; a hung read does not hold up shutdown.</summary>
public sealed class StatusTests : IAsyncLifetime
{
    private readonly string _base = Path.Combine(Path.GetTempPath(), "filecache-prom-status-" + Guid.NewGuid().ToString("N"));
    private string Root => Path.Combine(_base, "site");
    private WebApplication _app = null!;
    private HttpClient _http = null!;
    private readonly TaskCompletionSource _neverAnswers = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(Root, "docs"));
        await File.WriteAllTextAsync(Path.Combine(Root, "index.html"), "hello");
        await File.WriteAllTextAsync(Path.Combine(_base, "secret.txt"), "outside the root");
        File.CreateSymbolicLink(Path.Combine(Root, "escape.txt"), Path.Combine(_base, "secret.txt"));
        // A load stage that never answers for "hangs.txt" (as a read stuck in the kernel on a dead network share would),
        // and ignores its token: only the sample's own wait can give up on it.
        _app = SampleApp.Create(["--urls", "http://127.0.0.1:0", "--root", Root], cache => cache.UseLoadStage((context, next) =>
            context.Path == "hangs.txt" ? new ValueTask(_neverAnswers.Task) : next(context)));
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
        await File.WriteAllTextAsync(Path.Combine(Root, "hangs.txt"), "never served");
        using var client = new HttpClient { BaseAddress = _http.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var hung = client.GetAsync(new Uri("/files/hangs.txt", UriKind.Relative));
        await Task.Delay(200); // let the request reach the read (the test holds no lock on it: the bound below is what counts)
        Assert.False(hung.IsCompleted, "the hung read finished");

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

        // Release the hung stage so no load stays in flight in this process.
        _neverAnswers.TrySetResult();
    }
}
