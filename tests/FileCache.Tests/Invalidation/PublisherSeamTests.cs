using System.Text;
using FileCache.Invalidation;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.Invalidation;

/// <summary>The seam a distributed layer plugs into: IInvalidationPublisher and ICoherenceTarget.</summary>
public sealed class PublisherSeamTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fc-seam-" + Guid.NewGuid().ToString("N")[..8]);

    public PublisherSeamTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private (IFileCache Cache, RecordingPublisher Publisher) Create(TimeProvider? time = null) => RecordingPublisher.CreateCache(_root, time);

    /// <summary>A clock that moves only when the test moves it.</summary>
    private static FakeTimeProvider StoppedClock() => new() { AutoAdvanceAmount = TimeSpan.Zero };

    /// <summary>Grants the cache a lease of five seconds from now on <paramref name="time"/>.</summary>
    private static void LeaseFiveSeconds(RecordingPublisher publisher, FakeTimeProvider time) =>
        publisher.Target!.TrustUntil(time.GetTimestamp() + time.TimestampFrequency * 5);

    /// <summary>Moves the clock six seconds: past a five-second lease, without any timer deciding.</summary>
    private static void PastTheLease(FakeTimeProvider time) => time.SetUtcNow(time.GetUtcNow() + TimeSpan.FromSeconds(6));

    private static async Task<string> ReadTextAsync(IFileCache cache, string name) =>
        Encoding.UTF8.GetString((await cache.ReadAsync("p", name)).Content.Span);

    private static long LeaseLapsedReads(IFileCache cache) => ((FileCache.Storage.DefaultFileCache)cache).LeaseLapsedReads;

    private void Write(string name, string text, DateTime stamp)
    {
        string path = Path.Combine(_root, name);
        File.WriteAllText(path, text);
        File.SetLastWriteTimeUtc(path, stamp);
    }

    [Fact]
    public async Task InvalidateAsync_WithPublisher_EveryPathPublishedWithItsSequence_AndTheCallerGetsThePublishersAnswer()
    {
        var (cache, publisher) = Create();
        using var owned = cache;
        Assert.NotNull(publisher.Target);
        var key = cache.CreateKey("p", "a.txt");

        var result = await cache.InvalidateAsync(InvalidationRequest.ForKey(key));
        cache.Remove(key);
        cache.Clear();

        Assert.Equal(InvalidationAcknowledgement.Acknowledged, result.Acknowledgement);
        Assert.Equal(42, result.ClusterSequence);
        Assert.Equal([1L, 2L, 3L], publisher.Applied.Select(a => a.Sequence));
        Assert.IsType<AllInvalidation>(publisher.Applied[2].Request);
    }

    [Fact]
    public async Task TrustUntil_PastTheDeadline_EveryHitIsChecked_WithoutAnyTimerHavingRun()
    {
        // A node paused past its lease and resumed: the clock moved, but no timer ran (nothing demoted the cache).
        var time = StoppedClock();
        var (cache, publisher) = Create(time);
        using var owned = cache;
        var stamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        Write("a.txt", "old", stamp);
        var derived = cache.CreateKey("p", "a.txt", "parsed");
        Assert.Equal("old", await ReadTextAsync(cache, "a.txt"));
        cache.Set(derived, "old-parse");
        LeaseFiveSeconds(publisher, time);

        Write("a.txt", "new", stamp.AddSeconds(1)); // changed while this node "slept": its invalidation never arrived
        Assert.Equal("old", await ReadTextAsync(cache, "a.txt")); // within the lease: trusted
        Assert.True(cache.TryGetValue(derived, out object? _));

        // The clock jumps past the deadline; FakeTimeProvider's timers are not what decides (the check is on the hit).
        PastTheLease(time);

        Assert.Equal("new", await ReadTextAsync(cache, "a.txt"));
        Assert.False(cache.TryGetValue(derived, out object? _)); // a value that cannot be checked is not served
        Assert.True(LeaseLapsedReads(cache) >= 2);

        // A renewed lease restores trust: the hit is served without a check.
        LeaseFiveSeconds(publisher, time);
        long checkedBefore = LeaseLapsedReads(cache);
        Assert.Equal("new", await ReadTextAsync(cache, "a.txt"));
        Assert.Equal(checkedBefore, LeaseLapsedReads(cache));
    }

    [Fact]
    public async Task TrustUntil_PastTheDeadline_RacyFile_NotTrustedOnItsStatAlone()
    {
        // Read within the file system's timestamp granularity of its last write (racy), then rewritten with the same
        // length and last-write time: the stat cannot tell, so past the lease the entry must be read again.
        var time = StoppedClock();
        var (cache, publisher) = Create(time);
        using var owned = cache;
        var stamp = DateTime.UtcNow; // racy reads are judged by the wall clock the file system stamps with
        Write("a.txt", "old", stamp);
        Assert.Equal("old", await ReadTextAsync(cache, "a.txt"));
        LeaseFiveSeconds(publisher, time);
        Write("a.txt", "new", stamp); // same length, same last-write time: the stat matches
        Assert.Equal("old", await ReadTextAsync(cache, "a.txt")); // within the lease: trusted

        PastTheLease(time);

        Assert.Equal("new", await ReadTextAsync(cache, "a.txt"));
        Assert.Equal(1, cache.GetStatistics().Invalidation!.GetCount(InvalidationCause.VersionMismatch));
    }

    [Fact]
    public async Task TrustUntil_PastTheDeadline_MissesNeitherReturnTheCachedValueNorJoinALoadFromBefore()
    {
        // The cluster's paused-node scenario found these: a reader resumed past its lease was given what a load started
        // before the pause read (it joined that load), or a value the miss path looked up again without the lease check.
        var time = StoppedClock();
        var (cache, publisher) = Create(time);
        using var owned = cache;
        var parsed = cache.CreateKey("p", "a.txt", "parsed");
        LeaseFiveSeconds(publisher, time);
        Assert.Equal("old", await cache.GetOrAddAsync(parsed, (_, _) => ValueTask.FromResult("old")));

        PastTheLease(time);
        Assert.Equal("new", await cache.GetOrAddAsync(parsed, (_, _) => ValueTask.FromResult("new")));

        LeaseFiveSeconds(publisher, time);
        var other = cache.CreateKey("p", "b.txt", "parsed");
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = cache.GetOrAddAsync(other, (_, _) => new ValueTask<string>(gate.Task)).AsTask();
        PastTheLease(time);

        var second = cache.GetOrAddAsync(other, (_, _) => ValueTask.FromResult("read after the lease ran out")).AsTask();
        Assert.Equal("read after the lease ran out", await second.WaitAsync(TimeSpan.FromSeconds(10)));
        gate.SetResult("read within the lease");
        Assert.Equal("read within the lease", await first);
    }

    [Fact]
    public void ApplyRemote_AppliedThroughTheSamePath_ButNotPublishedBack()
    {
        var (cache, publisher) = Create();
        using var owned = cache;
        var key = cache.CreateKey("p", "v", "x");
        cache.Set(key, "value");

        var result = publisher.Target!.ApplyRemote(InvalidationRequest.ForKey(key));

        Assert.Equal(1, result.Invalidated);
        Assert.False(cache.TryGetValue(key, out _));
        Assert.Empty(publisher.Applied);
        Assert.Equal(InvalidationAcknowledgement.Local, result.Acknowledgement);
    }

    [Fact]
    public async Task Demote_ChangedFileReloaded_UnchangedFileKept_DerivedValueDropped()
    {
        var (cache, publisher) = Create();
        using var owned = cache;
        var stamp = DateTime.UtcNow.AddMinutes(-5);
        Write("same.txt", "same", stamp);
        Write("changed.txt", "old", stamp);
        var same = await cache.ReadAsync("p", "same.txt");
        await cache.ReadAsync("p", "changed.txt");
        var derived = cache.CreateKey("p", "same.txt", "ast");
        cache.Set(derived, "parsed");
        Write("changed.txt", "new!", stamp.AddMinutes(1));    // no invalidation: only the demotion's check can see it

        publisher.Target!.Demote();

        Assert.Same(same, await cache.ReadAsync("p", "same.txt"));
        Assert.Equal("new!", await ReadTextAsync(cache, "changed.txt"));
        Assert.False(cache.TryGetValue(derived, out _));
    }

    [Fact]
    public async Task VerifyEveryRead_EveryHitChecksTheFile_DerivedValuesNotCached_UntilCleared()
    {
        var (cache, publisher) = Create();
        using var owned = cache;
        var stamp = DateTime.UtcNow.AddMinutes(-5);
        Write("a.txt", "one", stamp);
        publisher.Target!.VerifyEveryRead = true;
        await cache.ReadAsync("p", "a.txt");
        var derived = cache.CreateKey("p", "a.txt", "ast");
        Assert.Equal("v", await cache.GetOrAddAsync(derived, (_, _) => ValueTask.FromResult("v")));
        Assert.False(cache.TryGetValue(derived, out _));

        Write("a.txt", "two!", stamp.AddMinutes(1));
        Assert.Equal("two!", await ReadTextAsync(cache, "a.txt"));
        Write("a.txt", "three", stamp.AddMinutes(2));
        Assert.Equal("three", await ReadTextAsync(cache, "a.txt"));

        publisher.Target.VerifyEveryRead = false;
        var trusted = await cache.ReadAsync("p", "a.txt");
        Write("a.txt", "four!", stamp.AddMinutes(3));
        Assert.Same(trusted, await cache.ReadAsync("p", "a.txt"));      // one check after clearing, then trusted (nobody invalidated it)
        Assert.Same(trusted, await cache.ReadAsync("p", "a.txt"));
    }
}
