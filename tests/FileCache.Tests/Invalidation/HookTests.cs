using FileCache.Invalidation;
using Microsoft.Extensions.DependencyInjection;
using static FileCache.Tests.Invalidation.InvalidationFixture;

namespace FileCache.Tests.Invalidation;

public sealed class HookTests
{
    [Fact]
    public void Hook_AddsKeys_CountedAsHook()
    {
        var hook = new DelegateHook(context =>
        {
            if (context.Request is KeyInvalidation { Key.Path: "a" } request)
            {
                context.Add(request.Key.WithVariant("extra"));
            }
        });
        using var cache = Create(hooks: [hook]);
        var a = Put(cache, "a");
        var extra = Put(cache, "a", "extra");

        Assert.Equal(2, cache.Invalidate(InvalidationRequest.ForKey(a)).Invalidated);
        Assert.False(Has(cache, extra));
        Assert.Equal(1, cache.GetStatistics().Invalidation!.GetCount(InvalidationCause.Hook));
    }

    [Fact]
    public void Hook_Veto_KeepsEntriesAndReportsReason()
    {
        using var cache = Create(hooks: [new DelegateHook(context => context.Veto("pinned"))]);
        var a = Put(cache, "a");

        var result = cache.Invalidate(InvalidationRequest.ForKey(a));

        Assert.True(result.Vetoed);
        Assert.Equal("pinned", result.VetoReason);
        Assert.True(Has(cache, a));
        Assert.Equal(1, cache.GetStatistics().Invalidation!.Vetoes);
    }

    [Fact]
    public void Hook_VetoOfADeletion_IsRefused()
    {
        bool? accepted = null;
        using var cache = Create(hooks: [new DelegateHook(context => accepted = context.Veto("pinned"))]);
        var a = Put(cache, "dir/a");

        var result = cache.InvalidateCore(InvalidationRequest.ForDirectory("p", "dir").With(InvalidationCause.Watcher, deletion: true), null);

        Assert.False(accepted);
        Assert.False(result.Vetoed);
        Assert.False(Has(cache, a));
    }

    [Fact]
    public void Hook_ThatThrows_IsIsolatedAndCounted()
    {
        var after = new List<FileKey>();
        var throwing = new DelegateHook(_ => throw new InvalidOperationException("boom"), (_, _) => throw new InvalidOperationException("boom"));
        var observing = new DelegateHook(_ => { }, (_, keys) => after.AddRange(keys));
        using var cache = Create(hooks: [throwing, observing]);
        var a = Put(cache, "a");

        var result = cache.Invalidate(InvalidationRequest.ForKey(a));

        Assert.Equal(1, result.Invalidated);
        Assert.False(Has(cache, a));
        Assert.Equal([a], after);
        Assert.Equal(2, cache.GetStatistics().Invalidation!.HookFailures);
    }

    [Fact]
    public void Hook_After_SeesTheFinalSetWithCascades()
    {
        IReadOnlyCollection<FileKey>? final = null;
        using var cache = Create(hooks: [new DelegateHook(_ => { }, (_, keys) => final = keys)]);
        var a = Put(cache, "a");
        var model = Put(cache, "a", "model", new FileCacheEntryOptions { Size = 1, Dependencies = [a] });

        cache.Invalidate(InvalidationRequest.ForKey(a));

        Assert.NotNull(final);
        Assert.Equal(new HashSet<FileKey> { a, model }, final!.ToHashSet());
    }

    [Fact]
    public void AddInvalidationHook_ThroughDI_IsCalled()
    {
        var services = new ServiceCollection();
        services.AddFileCache(o =>
        {
            o.Invalidation.Mode = ValidationMode.None;
            o.AddProject("p", null);
        }).AddInvalidationHook<CountingHook>();
        services.AddSingleton<CountingHook>();
        using var provider = services.BuildServiceProvider();
        var cache = provider.GetRequiredService<IFileCache>();
        var key = Put(cache, "a");

        cache.Invalidate(InvalidationRequest.ForKey(key));

        var hook = (CountingHook)provider.GetServices<IInvalidationHook>().Single();
        Assert.Equal(1, hook.Before);
        Assert.Equal(1, hook.After);
    }

    public sealed class CountingHook : IInvalidationHook
    {
        public int Before { get; private set; }

        public int After { get; private set; }

        public void OnInvalidating(InvalidatingContext context) => Before++;

        public void OnInvalidated(InvalidationRequest request, IReadOnlyCollection<FileKey> keys) => After++;
    }

    private sealed class DelegateHook(Action<InvalidatingContext> before, Action<InvalidationRequest, IReadOnlyCollection<FileKey>>? after = null) : IInvalidationHook
    {
        public void OnInvalidating(InvalidatingContext context) => before(context);

        public void OnInvalidated(InvalidationRequest request, IReadOnlyCollection<FileKey> keys) => after?.Invoke(request, keys);
    }
}
