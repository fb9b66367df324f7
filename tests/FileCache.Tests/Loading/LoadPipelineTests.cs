using System.IO.Hashing;
using System.Text;
using FileCache.Loading;
using FileCache.Storage;
using FileCache.Tests.Sources;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.Loading;

/// <summary>The load pipeline on an in-memory source: stage order, short-circuits, failures, compression, hashes, DI.</summary>
public sealed class LoadPipelineTests
{
    private static DefaultFileCache Create(InMemoryFileSource source, Action<FileCacheOptions>? configure = null)
    {
        var options = new FileCacheOptions();
        options.Invalidation.Mode = FileCache.Invalidation.ValidationMode.None;
        options.Projects.Add(new FileCacheProjectOptions { Name = "p", Source = source });
        configure?.Invoke(options);
        return new DefaultFileCache(options, new FakeTimeProvider());
    }

    [Fact]
    public async Task Stages_RunInRegistrationOrder_AroundTheSource_OnMissesOnly()
    {
        var source = new InMemoryFileSource().Write("a.txt", "alpha");
        var trace = new List<string>();
        using var cache = Create(source, o =>
        {
            o.LoadStages.Add(async (context, next) =>
            {
                trace.Add("first:before");
                await next(context);
                trace.Add("first:after:" + context.Origin);
            });
            o.LoadStages.Add(async (context, next) =>
            {
                trace.Add("second:before");
                await next(context);
                trace.Add("second:after");
            });
        });

        var file = await cache.ReadAsync("p", "a.txt");
        await cache.ReadAsync("p", "a.txt");

        Assert.Equal("alpha", Encoding.UTF8.GetString(file.Content.Span));
        Assert.Equal("memory:a.txt", file.FullPath);
        Assert.Equal(["first:before", "second:before", "second:after", "first:after:source"], trace);
        Assert.Equal(1, source.Reads);
    }

    [Fact]
    public async Task Stage_ThatAnswersItself_SkipsTheSource_AndItsResultIsCached()
    {
        var source = new InMemoryFileSource();
        var l2Version = new FileVersion(2, new DateTimeOffset(2026, 2, 2, 0, 0, 0, TimeSpan.Zero), ContentHash: 42);
        using var cache = Create(source, o => o.LoadStages.Add((context, next) =>
        {
            // An L2 that holds the file: answers without calling the rest of the pipeline.
            context.SetResult(new byte[] { 1, 2 }, l2Version, "l2:" + context.Path, "l2");
            return ValueTask.CompletedTask;
        }));

        var file = await cache.ReadAsync("p", "only-in-l2.bin");

        Assert.Equal(0, source.Reads);
        Assert.Equal(l2Version, file.Version);
        Assert.True(cache.TryGet("p", "only-in-l2.bin", out CachedFile? cached));
        Assert.Same(file, cached);
    }

    [Fact]
    public async Task Stage_ThatThrows_FailsTheLoad_EveryWaiterSeesTheException_AndNothingIsCached()
    {
        var source = new InMemoryFileSource().Write("a.txt", "alpha");
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int runs = 0;
        bool fail = true;
        using var cache = Create(source, o => o.LoadStages.Add(async (context, next) =>
        {
            Interlocked.Increment(ref runs);
            await next(context);
            if (fail)
            {
                entered.TrySetResult();
                await release.Task;
                throw new InvalidDataException("stage failed");
            }
        }));

        // Three callers share one load; the stage fails it after the source was read.
        var first = cache.ReadAsync("p", "a.txt").AsTask();
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var second = cache.ReadAsync("p", "a.txt").AsTask();
        var third = cache.TryReadAsync("p", "a.txt").AsTask();
        release.SetResult();

        await Assert.ThrowsAsync<InvalidDataException>(() => first);
        await Assert.ThrowsAsync<InvalidDataException>(() => second);
        await Assert.ThrowsAsync<InvalidDataException>(() => third);
        Assert.Equal(1, runs);
        Assert.False(cache.TryGet("p", "a.txt", out CachedFile? _));
        Assert.Equal(0, cache.GetStatistics().Total.Entries);
        Assert.Equal(1, cache.GetStatistics().Total.LoadFailures);
        Assert.Empty(cache.InFlightFor("p"));

        // The next read loads afresh.
        fail = false;
        Assert.Equal(5, (await cache.ReadAsync("p", "a.txt")).Length);
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task Stage_ThatNeitherAnswersNorCallsNext_FailsTheLoad()
    {
        var source = new InMemoryFileSource().Write("a.txt", "alpha");
        using var cache = Create(source, o => o.LoadStages.Add((_, _) => ValueTask.CompletedTask));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () => await cache.ReadAsync("p", "a.txt"));
        Assert.Contains("a.txt", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, cache.GetStatistics().Total.Entries);
    }

    [Fact]
    public async Task CompressionStage_CompressesWhatTheStagesBelowProduced()
    {
        string text = string.Concat(Enumerable.Repeat("compressible text; ", 500));
        var source = new InMemoryFileSource().Write("big.txt", text);
        bool sawUncompressed = false;
        using var cache = Create(source, o =>
        {
            o.Compression.ThresholdBytes = 1024;
            o.LoadStages.Add(async (context, next) =>
            {
                await next(context);
                sawUncompressed = Encoding.UTF8.GetString(context.Content.Span) == text;
            });
        });

        var file = await cache.ReadAsync("p", "big.txt");

        Assert.True(sawUncompressed);
        Assert.Equal(text, Encoding.UTF8.GetString(file.Content.Span));
        var key = cache.CreateKey("p", "big.txt");
        long held = cache.GetStatistics().Total.Bytes;
        Assert.True(held < text.Length / 2, $"{held} bytes held for {text.Length} bytes of text");
        Assert.True(cache.TryCopyContent(key, new byte[text.Length], out int written));
        Assert.Equal(text.Length, written);
    }

    [Fact]
    public async Task ContentHash_IsTheXxHash128OfTheBytes_UnlessAStageSuppliedOne()
    {
        var source = new InMemoryFileSource().Write("a.txt", "alpha").Write("b.txt", "bravo");
        UInt128 supplied = UInt128.MaxValue;
        using var cache = Create(source, o =>
        {
            o.Invalidation.ComputeContentHash = true;
            o.LoadStages.Add(async (context, next) =>
            {
                await next(context);
                if (context.Path == "b.txt")
                {
                    context.SetResult(context.Content, context.Version with { ContentHash = supplied }, context.Location!, "test");
                }
            });
        });

        var a = await cache.ReadAsync("p", "a.txt");
        var b = await cache.ReadAsync("p", "b.txt");

        Assert.Equal(XxHash128.HashToUInt128("alpha"u8), a.Version.ContentHash);
        Assert.Equal(supplied, b.Version.ContentHash);
    }

    [Fact]
    public async Task UseLoadStage_ThroughTheBuilder_RunsOnEveryMiss()
    {
        var source = new InMemoryFileSource().Write("a.txt", "alpha").Write("b.txt", "bravo");
        var seen = new List<string>();
        var services = new ServiceCollection();
        services.AddFileCache(o =>
            {
                o.Invalidation.Mode = FileCache.Invalidation.ValidationMode.None;
                o.Projects.Add(new FileCacheProjectOptions { Name = "p", Source = source });
            })
            .UseLoadStage(async (context, next) =>
            {
                seen.Add(context.Project + "/" + context.Path);
                await next(context);
            });
        using var provider = services.BuildServiceProvider();
        var cache = provider.GetRequiredService<IFileCache>();

        await cache.ReadAsync("p", "a.txt");
        await cache.ReadAsync("p", "a.txt");
        await cache.ReadAsync("p", "b.txt");

        Assert.Equal(["p/a.txt", "p/b.txt"], seen);
    }

    [Fact]
    public async Task SourceWatch_ChangedFile_IsInvalidatedAndReadAgain()
    {
        var source = new InMemoryFileSource().Write("a.txt", "one");
        var options = new FileCacheOptions();
        options.Projects.Add(new FileCacheProjectOptions { Name = "p", Source = source });
        using var cache = new DefaultFileCache(options, new FakeTimeProvider());
        Assert.Equal(3, (await cache.ReadAsync("p", "a.txt")).Length);

        source.Write("a.txt", "three");

        Assert.False(cache.TryGet("p", "a.txt", out CachedFile? _));
        Assert.Equal(5, (await cache.ReadAsync("p", "a.txt")).Length);
        Assert.Equal(2, source.Reads);
    }

    [Fact]
    public async Task SourceWatch_ChangeDuringTheRead_FencesTheLoad()
    {
        var source = new InMemoryFileSource().Write("a.txt", "one");
        var options = new FileCacheOptions();
        options.Projects.Add(new FileCacheProjectOptions { Name = "p", Source = source });
        using var cache = new DefaultFileCache(options, new FakeTimeProvider());
        bool changed = false;
        source.BeforeRead = (path, _) =>
        {
            if (!changed)
            {
                // The read starts, then the file changes before the load completes: its token (registered before the
                // read) fires, so what this load read must not be cached.
                changed = true;
                source.Write(path, "three");
            }

            return Task.CompletedTask;
        };

        await cache.ReadAsync("p", "a.txt");

        Assert.False(cache.TryGet("p", "a.txt", out CachedFile? _));
        Assert.Equal(5, (await cache.ReadAsync("p", "a.txt")).Length);
    }

    [Fact]
    public async Task TelemetryStage_TagsTheLoadActivity_WithTheOriginAndBytes()
    {
        var source = new InMemoryFileSource().Write("a.txt", "alpha");
        var stopped = new List<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s.Name == FileCache.Telemetry.FileCacheTelemetry.ActivitySourceName,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (stopped) { stopped.Add(a); } },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        using var cache = Create(source);

        await cache.ReadAsync("p", "a.txt");

        System.Diagnostics.Activity load;
        lock (stopped)
        {
            load = Assert.Single(stopped, a => a.OperationName == FileCache.Telemetry.FileCacheTelemetry.LoadActivity && (string?)a.GetTagItem("filecache.path") == "a.txt");
        }

        Assert.Equal("source", load.GetTagItem("filecache.load.origin"));
        Assert.Equal(5, load.GetTagItem("filecache.load.bytes"));
    }

    [Fact]
    public void ProjectOptions_SourceWithRootPathOrProvider_FailsValidation()
    {
        using var dir = new TestDirectory();
        var both = new FileCacheOptions();
        both.Projects.Add(new FileCacheProjectOptions { Name = "p", Source = new InMemoryFileSource(), RootPath = dir.Root });
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => FileCacheFactory.Create(both));
        Assert.Contains("RootPath", ex.Message, StringComparison.Ordinal);

        var two = new FileCacheOptions();
        two.Projects.Add(new FileCacheProjectOptions { Name = "p", Source = new InMemoryFileSource(), FileProvider = new Microsoft.Extensions.FileProviders.NullFileProvider() });
        Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => FileCacheFactory.Create(two));
    }
}
