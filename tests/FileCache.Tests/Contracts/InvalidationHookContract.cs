using FileCache.Invalidation;
using FileCache.Sources;
using static FileCache.Tests.Invalidation.InvalidationFixture;

namespace FileCache.Tests.Contracts;

/// <summary>
/// The contract of <see cref="IInvalidationHook"/>, run against each hook below: whatever the hook does, every path
/// of the cache completes, requests it may not veto (deletions, a removed project) still apply, its "after" call sees
/// only keys the request invalidated, and it is safe when invalidations run on several threads at once (the cache
/// calls hooks outside its lock, concurrently).
/// </summary>
public abstract class InvalidationHookContract
{
    [Fact]
    public void EveryPath_Completes_WithTheHook()
    {
        using var cache = Create(hooks: [CreateHook()], projects: ["p", "q"]);
        var a = Put(cache, "src/a.cs");
        Put(cache, "src/b.cs", options: new FileCacheEntryOptions { Size = 10, Dependencies = [a] }, project: "q");

        cache.Remove(a);
        cache.Invalidate(InvalidationRequest.ForDirectory("p", "src"));
        cache.Invalidate(InvalidationRequest.ForTag("t").AsSoft());
        cache.ApplyWatcherChanges(cache.PartitionFor("p"), [new WatcherChange("src/c.cs", Deletion: false)]);
        cache.InvalidateProject("q");
        cache.Clear();

        Assert.Equal(0, cache.GetStatistics().Invalidation!.HookFailures);
    }

    [Fact]
    public void RequestsItMayNotVeto_StillApply()
    {
        using var cache = Create(hooks: [CreateHook()], projects: ["p", "q"]);
        var deleted = Put(cache, "gone.cs");
        Put(cache, "x.cs", project: "q");

        cache.ApplyWatcherChanges(cache.PartitionFor("p"), [new WatcherChange("gone.cs", Deletion: true)]);
        Assert.True(cache.RemoveProject("q"));

        Assert.False(Has(cache, deleted));
        Assert.Equal(0, cache.GetStatistics().Total.Entries);
    }

    [Fact]
    public void AfterCall_SeesOnlyInvalidatedKeys_AndTheResultCountsThem()
    {
        var seen = new List<FileKey>();
        using var cache = Create(hooks: [CreateHook(), new AfterRecorder(seen)]);
        var a = Put(cache, "src/a.cs");
        var b = Put(cache, "src/b.cs");
        var other = Put(cache, "lib/c.cs");

        var result = cache.Invalidate(InvalidationRequest.ForDirectory("p", "src"));

        Assert.Equal(result.Vetoed ? 0 : result.Invalidated, seen.Count);
        Assert.All(seen, key => Assert.False(Has(cache, key)));
        Assert.True(Has(cache, other) || seen.Contains(other));
        Assert.True(result.Vetoed || (!Has(cache, a) && !Has(cache, b)));
    }

    [Fact]
    public void ConcurrentInvalidations_OnRealThreads_CallTheHookSafely()
    {
        using var cache = Create(hooks: [CreateHook()]);
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            for (int i = 0; i < 300; i++)
            {
                var key = Put(cache, $"t{t}/f{i % 5}.cs");
                cache.Invalidate(i % 2 == 0 ? InvalidationRequest.ForKey(key) : InvalidationRequest.ForDirectory("p", $"t{t}"));
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal(0, cache.GetStatistics().Invalidation!.HookFailures);
    }

    /// <summary>Creates the hook under test.</summary>
    protected abstract IInvalidationHook CreateHook();

    private sealed class AfterRecorder(List<FileKey> seen) : IInvalidationHook
    {
        public void OnInvalidating(InvalidatingContext context)
        {
        }

        public void OnInvalidated(InvalidationRequest request, IReadOnlyCollection<FileKey> keys) => seen.AddRange(keys);
    }
}

/// <summary>A hook that observes only.</summary>
public sealed class CountingHookContract : InvalidationHookContract
{
    protected override IInvalidationHook CreateHook() => new Invalidation.HookTests.CountingHook();
}

/// <summary>A hook that vetoes every request it may veto (explicit ones).</summary>
public sealed class VetoingHookContract : InvalidationHookContract
{
    protected override IInvalidationHook CreateHook() => new VetoEverything();

    private sealed class VetoEverything : IInvalidationHook
    {
        public void OnInvalidating(InvalidatingContext context)
        {
            if (context.CanVeto)
            {
                context.Veto("frozen");
            }
        }

        public void OnInvalidated(InvalidationRequest request, IReadOnlyCollection<FileKey> keys)
        {
        }
    }
}

/// <summary>A hook that adds keys: a file's "model" variant goes with the file.</summary>
public sealed class AddingHookContract : InvalidationHookContract
{
    protected override IInvalidationHook CreateHook() => new AddModels();

    private sealed class AddModels : IInvalidationHook
    {
        public void OnInvalidating(InvalidatingContext context)
        {
            foreach (var key in context.Keys.ToList())
            {
                if (key.Variant is null)
                {
                    context.Add(key);
                }
            }
        }

        public void OnInvalidated(InvalidationRequest request, IReadOnlyCollection<FileKey> keys)
        {
        }
    }
}
