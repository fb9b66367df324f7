using FileCache.Invalidation;
using static FileCache.Tests.Invalidation.InvalidationFixture;

namespace FileCache.Tests.Invalidation;

/// <summary>A load that started before an invalidation of its key, directory, glob, tag, project or dependency does not cache its result.</summary>
public sealed class FenceTests
{
    public static TheoryData<string> Requests => ["key", "directory", "glob", "tag", "project", "dependency", "cascade"];

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Invalidate_DuringASlowLoad_KeepsItsResultOutOfTheCache(string kind)
    {
        using var cache = Create();
        var key = cache.CreateKey("p", "src/app/a.cs", "model");
        var dependency = cache.CreateKey("p", "include/h.h");
        var dependencyModel = Put(cache, "include/h.h", "model");
        var release = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new FileCacheEntryOptions { Size = 10, Tags = ["t"], Dependencies = [kind == "cascade" ? dependencyModel : dependency] };

        var load = cache.GetOrAddAsync(key, async (_, _) => { started.SetResult(); return await release.Task; }, options).AsTask();
        await started.Task;
        cache.Invalidate(kind switch
        {
            "key" => InvalidationRequest.ForKey(key),
            "directory" => InvalidationRequest.ForDirectory("p", "src"),
            "glob" => InvalidationRequest.ForGlob("p", "src/**/*.cs"),
            "tag" => InvalidationRequest.ForTag("t"),
            "project" => InvalidationRequest.ForProject("p"),
            "dependency" => InvalidationRequest.ForKey(dependency),
            _ => InvalidationRequest.ForDirectory("p", "include"),
        });
        release.SetResult("old");

        Assert.Equal("old", await load);
        Assert.False(Has(cache, key));
        Assert.Equal("new", await cache.GetOrAddAsync(key, (_, _) => ValueTask.FromResult("new"), options));
    }

    [Fact]
    public async Task Invalidate_OfAnotherDirectory_DoesNotFenceTheLoad()
    {
        using var cache = Create();
        var key = cache.CreateKey("p", "src/a.cs");
        var release = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var load = cache.GetOrAddAsync(key, async (_, _) => await release.Task, Sized).AsTask();

        cache.Invalidate(InvalidationRequest.ForDirectory("p", "lib"));
        release.SetResult("v");
        await load;

        Assert.True(Has(cache, key));
    }
}
