using System.Diagnostics;
using System.Text;
using FileCache.Loading;
using FileCache.Storage;
using FileCache.Telemetry;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.Loading;

/// <summary>
/// A miss of a physical project takes the fused built-in stages when no stage is registered, and the composed pipeline
/// when one is: both must read, compress, tag the load activity and fail alike.
/// </summary>
public sealed class PhysicalPipelineTests
{
    private static DefaultFileCache Create(string root, bool withStage, List<string>? ran = null)
    {
        var options = new FileCacheOptions { Compression = { ThresholdBytes = 1024 } }.AddProject("p", root);
        options.Invalidation.Mode = FileCache.Invalidation.ValidationMode.None;
        if (withStage)
        {
            options.LoadStages.Add(async (context, next) =>
            {
                ran?.Add(context.Path);
                await next(context);
            });
        }

        return new DefaultFileCache(options, new FakeTimeProvider());
    }

    private static ActivityListener Listen(List<Activity> stopped)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == FileCacheTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (stopped) { stopped.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static Activity LoadOf(List<Activity> stopped, string path)
    {
        lock (stopped)
        {
            return Assert.Single(stopped, a => a.OperationName == FileCacheTelemetry.LoadActivity && (string?)a.GetTagItem("filecache.path") == path);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Miss_PhysicalProject_ReadsCompressesAndTags_WithOrWithoutStages(bool withStage)
    {
        using var dir = new TestDirectory();
        string text = string.Concat(Enumerable.Repeat("compressible text; ", 500));
        string full = dir.Write("src/big.txt", text);
        var ran = new List<string>();
        var stopped = new List<Activity>();
        using var listener = Listen(stopped);
        using var cache = Create(dir.Root, withStage, ran);

        var file = await cache.ReadAsync("p", "src/big.txt");

        Assert.Equal(text, Encoding.UTF8.GetString(file.Content.Span));
        Assert.Equal(full, file.FullPath);
        Assert.Equal(withStage ? ["src/big.txt"] : [], ran);
        long held = cache.GetStatistics().Total.Bytes;
        Assert.True(held < text.Length / 2, $"{held} bytes held for {text.Length} bytes of text: not compressed");
        var load = LoadOf(stopped, "src/big.txt");
        Assert.Equal(LoadPipeline.SourceOrigin, load.GetTagItem("filecache.load.origin"));
        Assert.Equal(text.Length, load.GetTagItem("filecache.load.bytes"));
        Assert.True(cache.TryGet("p", "src/big.txt", out CachedFile? _));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Miss_PhysicalProject_MissingFile_FailsTagsTheErrorAndCachesNothing(bool withStage)
    {
        using var dir = new TestDirectory();
        var stopped = new List<Activity>();
        using var listener = Listen(stopped);
        using var cache = Create(dir.Root, withStage);

        await Assert.ThrowsAsync<FileNotFoundException>(async () => await cache.ReadAsync("p", "none.txt"));

        Assert.Equal(nameof(FileNotFoundException), LoadOf(stopped, "none.txt").GetTagItem("filecache.load.error"));
        Assert.False(cache.TryGet("p", "none.txt", out CachedFile? _));
        Assert.Equal(0, cache.GetStatistics().Total.Entries);
    }
}
