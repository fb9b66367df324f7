using FileCache.Invalidation;
using FileCache.Sources;
using Microsoft.Extensions.Time.Testing;
using static FileCache.Tests.Invalidation.InvalidationFixture;

namespace FileCache.Tests.Invalidation;

/// <summary>
/// Every way an entry can be invalidated takes the one core path: hooks run (with the veto rules), dependants in other
/// projects follow, loads under way are fenced, and the invalidation gets the next sequence number.
/// </summary>
public sealed class InvalidationPathTests
{
    public static TheoryData<string> Paths => ["Remove", "RemoveByPath", "InvalidateProject", "RemoveProject", "Clear", "Invalidate", "InvalidateAsync", "Soft"];

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task EveryPath_RunsHooks_CascadesAcrossProjects_FencesLoads_AndTakesTheNextSequence(string path)
    {
        var hook = new RecordingHook();
        using var cache = Create(hooks: [hook], projects: ["p", "q"]);
        var target = Put(cache, "src/a.cs");
        var dependant = Put(cache, "derived.bin", options: new FileCacheEntryOptions { Size = 10, Dependencies = [target] }, project: "q");
        long before = cache.GetStatistics().Invalidation!.LastSequence;

        // A load under way in p, and one in q that depends on the target: both must be fenced.
        var loading = cache.CreateKey("p", "src/a.cs", "model");
        var dependentLoading = cache.CreateKey("q", "other.bin");
        var release = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var load = cache.GetOrAddAsync(loading, async (_, _) => await release.Task, Sized).AsTask();
        var dependentLoad = cache.GetOrAddAsync(dependentLoading, async (_, _) => await release.Task, new FileCacheEntryOptions { Size = 10, Dependencies = [target] }).AsTask();

        long sequence = 0;
        switch (path)
        {
            case "Remove":
                Assert.True(cache.Remove(target));
                cache.Remove(loading);
                break;
            case "RemoveByPath":
                Assert.True(cache.Remove("p", "src/a.cs"));
                cache.Remove(loading);
                break;
            case "InvalidateProject":
                Assert.Equal(2, cache.InvalidateProject("p"));
                break;
            case "RemoveProject":
                Assert.True(cache.RemoveProject("p"));
                break;
            case "Clear":
                cache.Clear();
                break;
            case "Invalidate":
                sequence = cache.Invalidate(InvalidationRequest.ForDirectory("p", "src")).Sequence;
                break;
            case "InvalidateAsync":
                sequence = (await cache.InvalidateAsync(InvalidationRequest.ForDirectory("p", "src"))).Sequence;
                break;
            default:
                sequence = cache.Invalidate(InvalidationRequest.ForDirectory("p", "src").AsSoft()).Sequence;
                break;
        }

        release.SetResult("old");
        await load;
        await dependentLoad;

        Assert.NotEmpty(hook.Before);
        Assert.NotEmpty(hook.After);
        Assert.Contains(hook.After, keys => keys.Contains(target) || path == "Soft");
        Assert.False(Has(cache, dependant), "the dependant in another project followed");
        Assert.False(Has(cache, dependentLoading), "a load depending on the target was fenced");
        if (path != "RemoveProject")
        {
            Assert.False(Has(cache, loading), "a load under the invalidated path was fenced");
        }

        long last = cache.GetStatistics().Invalidation!.LastSequence;
        Assert.True(last > before);
        if (sequence != 0)
        {
            Assert.Equal(last, sequence);
        }
    }

    [Fact]
    public void Remove_RunsHooks_AndAHookCanVetoIt()
    {
        var hook = new RecordingHook { VetoAll = true };
        using var cache = Create(hooks: [hook]);
        var key = Put(cache, "a.cs");

        Assert.False(cache.Remove(key));
        Assert.True(Has(cache, key));
        Assert.IsType<KeyInvalidation>(Assert.Single(hook.Before));
        Assert.Equal(0, cache.GetStatistics().Invalidation!.LastSequence);
    }

    [Fact]
    public void Clear_IsOneRequest_AHookCanVetoIt()
    {
        var hook = new RecordingHook { VetoAll = true };
        using var cache = Create(hooks: [hook], projects: ["p", "q"]);
        var a = Put(cache, "a.cs");
        var b = Put(cache, "b.cs", project: "q");

        cache.Clear();

        Assert.True(Has(cache, a) && Has(cache, b));
        Assert.IsType<AllInvalidation>(Assert.Single(hook.Before));
        hook.VetoAll = false;
        cache.Clear();
        Assert.False(Has(cache, a) || Has(cache, b));
        Assert.Equal(1, cache.GetStatistics().Invalidation!.LastSequence);
    }

    [Fact]
    public void RemoveProject_CannotBeVetoed_AndRemovesEverything()
    {
        var hook = new RecordingHook { VetoAll = true };
        using var cache = Create(hooks: [hook], projects: ["p", "q"]);
        Put(cache, "a.cs");

        Assert.True(cache.RemoveProject("p"));

        var request = Assert.Single(hook.Before);
        Assert.True(request.IsDeletion);
        Assert.Equal(0, cache.GetStatistics().Total.Entries);
        Assert.Equal(1, cache.GetStatistics().Invalidation!.Vetoes);
    }

    [Fact]
    public void WatcherBatch_RunsHooks_AndTakesASequence()
    {
        var hook = new RecordingHook();
        using var cache = Create(hooks: [hook]);
        var key = Put(cache, "a.cs");

        cache.ApplyWatcherChanges(cache.PartitionFor("p"), [new WatcherChange("a.cs", Deletion: false)]);

        Assert.Equal(InvalidationCause.Watcher, Assert.Single(hook.Before).Cause);
        Assert.False(Has(cache, key));
        Assert.Equal(1, cache.GetStatistics().Invalidation!.LastSequence);
    }

    [Fact]
    public async Task PollAndVersionMismatch_RunHooks_AndTakeSequences()
    {
        using var dir = new TestDirectory();
        dir.Write("a.txt", "one");
        dir.Write("b.txt", "one");
        var hook = new RecordingHook { VetoAll = true };
        var time = new FakeTimeProvider();
        using var cache = CreateRooted(dir.Root, time, o => { o.Mode = ValidationMode.ValidateOnRead; o.ValidationInterval = TimeSpan.FromSeconds(2); }, hooks: [hook]);
        await cache.ReadAsync("p", "a.txt");
        await cache.ReadAsync("p", "b.txt");
        dir.Write("a.txt", "two!");
        dir.Write("b.txt", "two!");

        // A version mismatch found on read: hooks see it, and cannot veto it.
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(4, (await cache.ReadAsync("p", "a.txt")).Length);
        Assert.Contains(hook.Before, r => r.Cause == InvalidationCause.VersionMismatch);
        long afterMismatch = cache.GetStatistics().Invalidation!.LastSequence;
        Assert.True(afterMismatch >= 1);

        // A poll: the changed file is a watcher-caused request through the same path.
        hook.Before.Clear();
        hook.VetoAll = false;
        cache.PollFiles(cache.PartitionFor("p"));
        Assert.Contains(hook.Before, r => r is DirectoryInvalidation { Cause: InvalidationCause.Watcher, Directory: "b.txt" });
        Assert.True(cache.GetStatistics().Invalidation!.LastSequence > afterMismatch);
        Assert.False(cache.TryGet("p", "b.txt", out CachedFile? _));
    }

    [Fact]
    public async Task InvalidateAsync_CancelledBeforeItIsApplied_AppliesNothing()
    {
        using var cache = Create();
        var key = Put(cache, "a.cs");
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await cache.InvalidateAsync(InvalidationRequest.ForKey(key), cts.Token));

        Assert.True(Has(cache, key));
        Assert.Equal(0, cache.GetStatistics().Invalidation!.LastSequence);
    }

    [Fact]
    public async Task Sequence_UnderConcurrentInvalidators_IsUniqueGapFreeAndIncreasingPerThread()
    {
        const int Threads = 4, PerThread = 500;
        using var cache = Create(projects: ["p", "q"]);
        var results = new long[Threads][];
        using var start = new Barrier(Threads);
        var threads = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int id = t;
            results[id] = new long[PerThread];
            threads[t] = new Thread(() =>
            {
                start.SignalAndWait();
                for (int i = 0; i < PerThread; i++)
                {
                    var key = Put(cache, $"t{id}/f{i % 7}.cs", project: id % 2 == 0 ? "p" : "q");
                    results[id][i] = (i % 3) switch
                    {
                        0 => cache.Invalidate(InvalidationRequest.ForKey(key)).Sequence,
                        1 => cache.InvalidateAsync(InvalidationRequest.ForDirectory(key.Project, $"t{id}")).AsTask().GetAwaiter().GetResult().Sequence,
                        _ => cache.Invalidate(InvalidationRequest.ForGlob(key.Project, $"t{id}/**/*.cs").AsSoft()).Sequence,
                    };
                }
            });
            threads[t].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        foreach (long[] sequence in results)
        {
            for (int i = 1; i < sequence.Length; i++)
            {
                Assert.True(sequence[i] > sequence[i - 1], "a thread's later invalidation has a larger number");
            }
        }

        var all = results.SelectMany(r => r).Order().ToArray();
        Assert.Equal(Enumerable.Range(1, Threads * PerThread).Select(i => (long)i), all);
        Assert.Equal(Threads * PerThread, cache.GetStatistics().Invalidation!.LastSequence);
        await Task.CompletedTask;
    }

    private sealed class RecordingHook : IInvalidationHook
    {
        public bool VetoAll { get; set; }

        public List<InvalidationRequest> Before { get; } = [];

        public List<IReadOnlyCollection<FileKey>> After { get; } = [];

        public void OnInvalidating(InvalidatingContext context)
        {
            lock (Before)
            {
                Before.Add(context.Request);
            }

            if (VetoAll)
            {
                context.Veto("pinned");
            }
        }

        public void OnInvalidated(InvalidationRequest request, IReadOnlyCollection<FileKey> keys)
        {
            lock (After)
            {
                After.Add([.. keys]);
            }
        }
    }
}
