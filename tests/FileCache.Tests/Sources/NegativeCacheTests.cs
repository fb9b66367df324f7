using FileCache.Invalidation;
using FileCache.Storage;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.Sources;

/// <summary>TryReadAsync and its negative entries, on the in-memory source (no disk).</summary>
public sealed class NegativeCacheTests
{
    private static DefaultFileCache Create(InMemoryFileSource source, FakeTimeProvider? time = null, Action<InvalidationOptions>? configure = null)
    {
        var options = new FileCacheOptions();
        options.Invalidation.Mode = ValidationMode.None;
        configure?.Invoke(options.Invalidation);
        options.Projects.Add(new FileCacheProjectOptions { Name = "p", Source = source });
        return new DefaultFileCache(options, time ?? new FakeTimeProvider());
    }

    [Fact]
    public async Task TryReadAsync_MissingFile_HitsAfterTheFirstCall_WithoutAskingTheSource()
    {
        var source = new InMemoryFileSource();
        using var cache = Create(source);

        Assert.Null(await cache.TryReadAsync("p", "missing.txt"));
        Assert.Equal(1, source.Reads);
        long hitsBefore = cache.GetStatistics().Total.Hits;

        for (int i = 0; i < 5; i++)
        {
            Assert.Null(await cache.TryReadAsync("p", "missing.txt"));
            Assert.Null(await cache.TryReadAsync(cache.CreateKey("p", "missing.txt")));
        }

        Assert.Equal(1, source.Reads);
        Assert.Equal(hitsBefore + 10, cache.GetStatistics().Total.Hits);
    }

    [Fact]
    public async Task TryReadAsync_ExistingFile_ReturnsItAndCachesIt()
    {
        var source = new InMemoryFileSource().Write("a.txt", "alpha");
        using var cache = Create(source);

        var first = await cache.TryReadAsync("p", "a.txt");
        var second = await cache.TryReadAsync("p", "a.txt");

        Assert.NotNull(first);
        Assert.Same(first, second);
        Assert.Equal(1, source.Reads);
    }

    [Fact]
    public async Task NegativeEntry_IsAMissToEveryOtherRead_AndNeverHandedOut()
    {
        var source = new InMemoryFileSource();
        using var cache = Create(source);
        Assert.Null(await cache.TryReadAsync("p", "missing.txt"));
        var key = cache.CreateKey("p", "missing.txt");

        Assert.False(cache.TryGetValue(key, out object? value));
        Assert.Null(value);
        Assert.False(cache.TryGetValue("p", "missing.txt", out _));
        Assert.False(cache.TryGetContentLength(key, out _));
        Assert.False(cache.TryLeaseContent(key, out _));

        // ReadAsync keeps its contract: it asks the source, and throws when the file is missing.
        await Assert.ThrowsAsync<FileNotFoundException>(async () => await cache.ReadAsync("p", "missing.txt"));
        Assert.Equal(2, source.Reads);
    }

    [Fact]
    public async Task NegativeEntry_ForAFileCreatedLater_GoesWithTheSourcesChangeToken()
    {
        var source = new InMemoryFileSource();
        using var cache = Create(source, configure: o => o.Mode = ValidationMode.Watch);
        Assert.Null(await cache.TryReadAsync("p", "new.txt"));
        Assert.Null(await cache.TryReadAsync("p", "new.txt"));
        Assert.Equal(1, source.Reads);

        source.Write("new.txt", "created");

        var file = await cache.TryReadAsync("p", "new.txt");
        Assert.NotNull(file);
        Assert.Equal(7, file.Length);
        Assert.Equal(2, source.Reads);
    }

    [Fact]
    public async Task NegativeEntry_RemoveOrInvalidation_DropsIt()
    {
        var source = new InMemoryFileSource();
        using var cache = Create(source);
        Assert.Null(await cache.TryReadAsync("p", "a/missing.txt"));
        source.Write("a/missing.txt", "now here");

        // Without a change notification the entry stays (mode None)...
        Assert.Null(await cache.TryReadAsync("p", "a/missing.txt"));

        // ...until an invalidation of the path or a directory above it.
        cache.Invalidate(InvalidationRequest.ForDirectory("p", "a"));
        Assert.NotNull(await cache.TryReadAsync("p", "a/missing.txt"));

        source.Delete("a/missing.txt");
        cache.Remove("p", "a/missing.txt");
        Assert.Null(await cache.TryReadAsync("p", "a/missing.txt"));
        Assert.Equal(3, source.Reads);
    }

    [Fact]
    public async Task NegativeEntry_UnderValidateOnReadAlone_ExpiresAfterTheValidationInterval()
    {
        var source = new InMemoryFileSource();
        var time = new FakeTimeProvider();
        using var cache = Create(source, time, o =>
        {
            o.Mode = ValidationMode.ValidateOnRead;
            o.ValidationInterval = TimeSpan.FromSeconds(2);
        });
        Assert.Null(await cache.TryReadAsync("p", "late.txt"));
        source.Write("late.txt", "late");

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await cache.TryReadAsync("p", "late.txt"));
        Assert.Equal(1, source.Reads);

        time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.NotNull(await cache.TryReadAsync("p", "late.txt"));
        Assert.Equal(2, source.Reads);
    }

    [Fact]
    public async Task TryReadAsync_ConcurrentCallersOfAMissingFile_ShareOneSourceRead()
    {
        var source = new InMemoryFileSource();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.BeforeRead = (_, _) => gate.Task;
        using var cache = Create(source);

        var readers = Enumerable.Range(0, 8).Select(_ => cache.TryReadAsync("p", "missing.txt").AsTask()).ToArray();
        var plain = cache.ReadAsync("p", "missing.txt").AsTask();
        gate.SetResult();

        Assert.All(await Task.WhenAll(readers), Assert.Null);
        await Assert.ThrowsAsync<FileNotFoundException>(() => plain);
        Assert.Equal(1, source.Reads);
        Assert.Null(await cache.TryReadAsync("p", "missing.txt"));
        Assert.Equal(1, source.Reads);
    }

    [Fact]
    public async Task TryReadAsync_InvalidationDuringTheMissingRead_LeavesNoNegativeEntry()
    {
        var source = new InMemoryFileSource();
        DefaultFileCache? cache = null;
        source.BeforeRead = (path, _) =>
        {
            if (source.Reads == 1)
            {
                // The file appears (and its change is reported) while the read that will not find it is under way.
                cache!.Invalidate(InvalidationRequest.ForDirectory("p", path));
            }

            return Task.CompletedTask;
        };
        using (cache = Create(source))
        {
            Assert.Null(await cache.TryReadAsync("p", "racy.txt"));
            source.Write("racy.txt", "here");
            Assert.NotNull(await cache.TryReadAsync("p", "racy.txt"));
        }
    }
}
