using FileCache.Invalidation;
using static FileCache.Tests.Invalidation.InvalidationFixture;

namespace FileCache.Tests.Invalidation;

public sealed class CascadeTests
{
    private static FileCacheEntryOptions DependsOn(params FileKey[] keys) => new() { Size = 10, Dependencies = keys };

    [Fact]
    public void Invalidate_Key_InvalidatesDependantsTransitively()
    {
        using var cache = Create();
        var source = Put(cache, "a.cs");
        var import = cache.CreateKey("p", "b.cs");
        var model = Put(cache, "a.cs", "model", DependsOn(source, import));
        var index = Put(cache, "index", options: DependsOn(model));
        var unrelated = Put(cache, "c.cs");

        var result = cache.Invalidate(InvalidationRequest.ForKey(import));

        Assert.Equal(2, result.Invalidated);
        Assert.False(Has(cache, model));
        Assert.False(Has(cache, index));
        Assert.True(Has(cache, source));
        Assert.True(Has(cache, unrelated));
        Assert.Equal(2, cache.GetStatistics().Invalidation!.GetCount(InvalidationCause.Cascade));
    }

    [Fact]
    public void Invalidate_Cycle_Terminates()
    {
        using var cache = Create();
        var a = cache.CreateKey("p", "a");
        var b = cache.CreateKey("p", "b");
        var c = cache.CreateKey("p", "c");
        cache.Set(a, "a", DependsOn(c));
        cache.Set(b, "b", DependsOn(a));
        cache.Set(c, "c", DependsOn(b, c));

        Assert.Equal(3, cache.Invalidate(InvalidationRequest.ForKey(a)).Invalidated);
        Assert.Equal(0, cache.GetStatistics().Total.Entries);
    }

    [Fact]
    public void Invalidate_DirectoryContainingAnUncachedDependency_ReachesItsDependants()
    {
        using var cache = Create();
        var header = cache.CreateKey("p", "include/h.h");
        var model = Put(cache, "main.c", "model", DependsOn(header));

        Assert.Equal(1, cache.Invalidate(InvalidationRequest.ForDirectory("p", "include")).Invalidated);
        Assert.False(Has(cache, model));
    }

    [Fact]
    public void Set_ReplacingAValue_InvalidatesItsDependants_AddingOneDoesNot()
    {
        using var cache = Create();
        var source = Put(cache, "a.cs");
        var model = Put(cache, "a.cs", "model", DependsOn(source));
        var index = Put(cache, "index", options: DependsOn(model));

        // A new key with no earlier value: nothing derived from it yet, nothing goes.
        var fresh = cache.CreateKey("p", "b.cs");
        var other = Put(cache, "b.cs", "model", DependsOn(fresh));
        Assert.True(cache.Set(fresh, "b.cs", Sized));
        Assert.True(Has(cache, other));

        Assert.True(cache.Set(source, "edited a.cs", Sized));

        Assert.True(cache.TryGet(source, out string? now));
        Assert.Equal("edited a.cs", now);
        Assert.False(Has(cache, model));
        Assert.False(Has(cache, index));
        Assert.True(Has(cache, other));
        Assert.Equal(2, cache.GetStatistics().Invalidation!.GetCount(InvalidationCause.Cascade));
    }

    [Fact]
    public void Remove_Key_CascadesToDependants()
    {
        using var cache = Create();
        var source = Put(cache, "a.cs");
        var model = Put(cache, "a.cs", "model", DependsOn(source));

        Assert.True(cache.Remove(source));
        Assert.False(Has(cache, model));
    }

    [Fact]
    public void Dependencies_AcrossProjects_Cascade()
    {
        using var cache = Create(projects: ["lib", "app"]);
        var libFile = Put(cache, "util.cs", project: "lib");
        var appModel = Put(cache, "main.cs", "model", DependsOn(libFile), project: "app");

        cache.Invalidate(InvalidationRequest.ForDirectory("lib", string.Empty));

        Assert.False(Has(cache, appModel));
    }

    [Fact]
    public void Graph_AfterManyAddRemoveCycles_IsEmpty()
    {
        using var cache = Create();
        var rng = new Random(42);
        for (int round = 0; round < 200; round++)
        {
            var dependency = cache.CreateKey("p", $"d{rng.Next(20)}/f{rng.Next(20)}.cs");
            var key = Put(cache, $"m{rng.Next(50)}/x.cs", "model", DependsOn(dependency, cache.CreateKey("p", $"shared/{round % 7}.h")));
            if (round % 3 == 0)
            {
                cache.Invalidate(InvalidationRequest.ForKey(dependency));
            }
            else if (round % 3 == 1)
            {
                cache.Remove(key);
            }
        }

        cache.Clear();

        var (nodes, targets, tags) = cache.IndexSizes("p");
        Assert.Equal(0, nodes);
        Assert.Equal(0, targets);
        Assert.Equal(0, tags);
    }

    [Fact]
    public void Replacing_AnEntry_KeepsTheGraphExact()
    {
        using var cache = Create();
        var a = cache.CreateKey("p", "a");
        var b = cache.CreateKey("p", "b");
        var model = cache.CreateKey("p", "m");
        cache.Set(model, "v1", DependsOn(a));
        cache.Set(model, "v2", DependsOn(b));

        Assert.Equal(0, cache.Invalidate(InvalidationRequest.ForKey(a)).Invalidated);
        Assert.True(Has(cache, model));
        Assert.Equal(1, cache.Invalidate(InvalidationRequest.ForKey(b)).Invalidated);
        Assert.False(Has(cache, model));
        Assert.Equal(0, cache.IndexSizes("p").DependencyTargets);
    }

    [Fact]
    public void EntryOptions_WithDefaultDependencyOrEmptyTag_AreRefused()
    {
        using var cache = Create();
        var key = cache.CreateKey("p", "a");
        Assert.Throws<ArgumentException>("options", () => cache.Set(key, "x", new FileCacheEntryOptions { Dependencies = [default] }));
        Assert.Throws<ArgumentException>("options", () => cache.Set(key, "x", new FileCacheEntryOptions { Tags = [string.Empty] }));
    }
}
