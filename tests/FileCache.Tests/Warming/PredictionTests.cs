using FileCache.Tests.Sources;
using FileCache.Warming;

namespace FileCache.Tests.Warming;

public sealed class PredictionTests
{
    private static FileKey Key(string path) => TestKeys.Make(path);

    [Fact]
    public void Model_FollowerSeenOften_IsPredicted_AndRareOnesAreNot()
    {
        var model = new CoAccessModel(maxKeys: 100, windowTicks: 1000, minConfidence: 0.3);
        var predicted = new FileKey[2];
        for (int i = 0; i < 5; i++)
        {
            model.OnMiss(Key("a"), i * 10_000, predicted);
            model.OnMiss(Key("b"), (i * 10_000) + 10, predicted);
        }

        model.OnMiss(Key("a"), 100_000, predicted);
        model.OnMiss(Key("c"), 100_010, predicted); // once: below the minimum count

        Assert.Equal(1, model.OnMiss(Key("a"), 200_000, predicted));
        Assert.Equal("b", predicted[0].Path);

        // Outside the window nothing is learned.
        model.OnMiss(Key("x"), 300_000, predicted);
        model.OnMiss(Key("y"), 302_000, predicted);
        model.OnMiss(Key("x"), 400_000, predicted);
        model.OnMiss(Key("y"), 402_000, predicted);
        Assert.Equal(0, model.OnMiss(Key("x"), 500_000, predicted));
    }

    [Fact]
    public void Model_ManyDistinctKeys_StaysWithinItsBound()
    {
        var model = new CoAccessModel(maxKeys: 64, windowTicks: 1000, minConfidence: 0.3);
        var predicted = new FileKey[2];
        for (int i = 0; i < 10_000; i++)
        {
            model.OnMiss(Key($"k{i}"), i, predicted);
        }

        Assert.InRange(model.Count, 1, 64);
    }

    [Fact]
    public void Model_OldHabit_DecaysAway()
    {
        var model = new CoAccessModel(maxKeys: 16, windowTicks: 1000, minConfidence: 0.3);
        var predicted = new FileKey[2];
        for (int i = 0; i < 4; i++)
        {
            model.OnMiss(Key("a"), i * 10_000, predicted);
            model.OnMiss(Key("b"), (i * 10_000) + 1, predicted);
        }

        Assert.Equal(1, model.OnMiss(Key("a"), 100_000, predicted));

        // Many unrelated misses later (several decay epochs) the edge has faded below the minimum count.
        for (int i = 0; i < 200; i++)
        {
            model.OnMiss(Key($"n{i % 8}"), 200_000 + (i * 10_000), predicted);
        }

        Assert.Equal(0, model.OnMiss(Key("a"), 10_000_000, predicted));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Prediction_PrefetchesFollowers_AndTurnsItselfDownWhenTheyAreNotRead(bool followersRead)
    {
        const int pairs = 80;
        var source = new InMemoryFileSource();
        for (int i = 0; i < pairs; i++)
        {
            source.Write($"a{i}", "lead").Write($"b{i}", "follower");
        }

        using var fixture = new WarmingFixture(source, o => (o.Warming.Predict, o.Warming.PredictionMinPrecision) = (true, 0.25));

        // Train: every a is followed by its b, twice (the second time makes the edge count 2, enough to predict).
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < pairs; i++)
            {
                await fixture.Cache.ReadAsync("p", $"a{i}");
                await fixture.Cache.ReadAsync("p", $"b{i}");
                fixture.Time.Advance(TimeSpan.FromSeconds(10)); // pairs apart: only a→b is learned
            }

            fixture.Cache.InvalidateProject("p");
        }

        // Use: a miss of a prefetches b.
        var trained = fixture.Warmer.GetStatistics();
        int prefetchedHits = 0;
        for (int i = 0; i < pairs; i++)
        {
            await fixture.Cache.ReadAsync("p", $"a{i}");
            await fixture.Warmer.WhenIdleAsync();
            var b = fixture.Cache.CreateKey("p", $"b{i}");
            if (followersRead)
            {
                int reads = source.Reads;
                await fixture.Cache.ReadAsync(b);
                prefetchedHits += source.Reads == reads ? 1 : 0;
            }
            else
            {
                fixture.Cache.Remove(b); // dropped unread: a wasted prefetch
            }

            fixture.Time.Advance(TimeSpan.FromSeconds(10));
        }

        var stats = fixture.Warmer.GetStatistics();
        if (followersRead)
        {
            Assert.Equal(pairs, prefetchedHits);
            Assert.Equal(pairs, stats.PrefetchesUsed - trained.PrefetchesUsed);
            Assert.Equal(1.0, stats.Precision);
            Assert.False(stats.PredictionThrottled);
            Assert.Equal(0, stats.PredictionsSuppressed);
        }
        else
        {
            Assert.True(stats.PredictionThrottled);
            Assert.True(stats.Precision < 0.25);
            Assert.True(stats.PredictionsSuppressed >= pairs / 3, $"{stats.PredictionsSuppressed} suppressed");
            Assert.True(stats.Prefetches - trained.Prefetches < pairs / 2 + 8, $"{stats.Prefetches - trained.Prefetches} prefetches of {pairs} predictions");
        }
    }

    [Fact]
    public void Tracker_LowPrecision_AdmitsOneInEight_AndRecovers()
    {
        var tracker = new PrefetchTracker(minPrecision: 0.5);
        for (int i = 0; i < 40; i++)
        {
            tracker.Track(new PrefetchRecord(Key($"w{i}"))); // never marked: no entry, unread
        }

        tracker.SettleAll();
        Assert.True(tracker.Throttled);
        int admitted = Enumerable.Range(0, 80).Count(_ => tracker.Admit());
        Assert.Equal(10, admitted);

        for (int i = 0; i < 200; i++)
        {
            tracker.Track(new PrefetchRecord(Key($"u{i}")) { Used = 1 });
        }

        tracker.SettleAll();
        Assert.False(tracker.Throttled);
        Assert.True(Enumerable.Range(0, 8).All(_ => tracker.Admit()));
    }

    private static class TestKeys
    {
        private static readonly FileCache.Storage.DefaultFileCache Cache = CacheFixture.Create(1 << 20);

        public static FileKey Make(string path) => Cache.CreateKey("p", path);
    }
}
