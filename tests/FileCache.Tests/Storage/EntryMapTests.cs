using FileCache.Storage;

namespace FileCache.Tests.Storage;

/// <summary>
/// The partition's open-addressing map under churn (every insert evicts, as a full cache does): removals at the end of
/// a probe run empty their slot instead of leaving a tombstone, so misses' probes stay short. These tests check that
/// tombstones stay few, that no live key is ever lost to an emptied slot (checked against a model after every
/// operation, and by readers on other threads while the map changes), and that a string path finds its entry by
/// comparison.
/// </summary>
public sealed class EntryMapTests
{
    private static DefaultFileCache Create(bool ignoreCase = false)
    {
        var options = new FileCacheOptions { MaxBytes = 1L << 30, Memory = { AdaptToPressure = false } };
        options.AddProject("p", rootPath: null, p => p.IgnoreCase = ignoreCase);
        return new DefaultFileCache(options, TimeProvider.System);
    }

    private static string PathFor(int i) => $"src/module-{i / 50 % 400:D3}/file-{i:D7}.cs";

    [Fact]
    public void FifoChurn_LeavesFewTombstones_AndEveryLiveKeyIsFound()
    {
        using var cache = Create();
        var map = cache.PartitionFor("p").Map;
        const int Live = 2_000;
        var value = new byte[1];
        var keys = new FileKey[Live * 12];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = cache.CreateKey("p", PathFor(i));
        }

        for (int i = 0; i < Live; i++)
        {
            Assert.True(cache.Set(keys[i], value));
        }

        int mostTombstones = 0;
        for (int i = Live; i < keys.Length; i++)
        {
            Assert.True(cache.Remove(keys[i - Live]));
            Assert.True(cache.Set(keys[i], value));
            mostTombstones = Math.Max(mostTombstones, map.Tombstones);
            if (i % 997 == 0)
            {
                for (int live = i - Live + 1; live <= i; live++)
                {
                    Assert.True(map.TryGetValue(keys[live], out _), $"live key {live} was not found after {i - Live + 1} removals");
                }

                Assert.False(map.TryGetValue(keys[i - Live], out _));
            }
        }

        Assert.Equal(Live, map.Count);

        // A map that left a tombstone for every removal would fill up with them to its clean-up threshold (five eighths
        // of its slots, tombstones counted) over and over: 0.625 × 8,192 - 2,000 = 3,120 here. Emptying the slots at the
        // end of runs keeps under half as many (about 900 here).
        Assert.True(mostTombstones < 1_500, $"{mostTombstones} tombstones at the most (capacity {map.Capacity})");
    }

    [Fact]
    public void RandomSetsAndRemovals_AgreeWithAModel()
    {
        using var cache = Create();
        var map = cache.PartitionFor("p").Map;
        var random = new Random(12345);
        var value = new byte[1];
        var keys = Enumerable.Range(0, 600).Select(i => cache.CreateKey("p", PathFor(i * 7))).ToArray();
        var model = new HashSet<int>();
        for (int step = 0; step < 60_000; step++)
        {
            int k = random.Next(keys.Length);
            if (random.Next(3) == 0)
            {
                Assert.Equal(model.Remove(k), cache.Remove(keys[k]));
            }
            else
            {
                Assert.True(cache.Set(keys[k], value));
                model.Add(k);
            }

            if (step % 500 == 0)
            {
                for (int i = 0; i < keys.Length; i++)
                {
                    Assert.Equal(model.Contains(i), map.TryGetValue(keys[i], out _));
                    Assert.Equal(model.Contains(i), cache.TryGetValue("p", new string(PathFor(i * 7).AsSpan()), out _));
                }
            }
        }

        Assert.Equal(model.Count, map.Count);
    }

    [Fact]
    public void ReadersOnOtherThreads_NeverMissAKeyThatStaysMapped_WhileOthersChurn()
    {
        using var cache = Create();
        var value = new byte[1];

        // Keys that stay mapped the whole time, interleaved with keys that come and go around them.
        var stable = Enumerable.Range(0, 256).Select(i => cache.CreateKey("p", PathFor(i * 2))).ToArray();
        var churning = Enumerable.Range(0, 20_000).Select(i => cache.CreateKey("p", PathFor((i * 2) + 1))).ToArray();
        foreach (var key in stable)
        {
            Assert.True(cache.Set(key, value));
        }

        using var stop = new CancellationTokenSource();
        long lookups = 0;
        var misses = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var readers = Enumerable.Range(0, 2).Select(r => new Thread(() =>
        {
            long local = 0;
            while (!stop.IsCancellationRequested)
            {
                foreach (var key in stable)
                {
                    if (!cache.TryGetValue(key, out _))
                    {
                        misses.Enqueue(key.Path);
                    }

                    local++;
                }
            }

            Interlocked.Add(ref lookups, local);
        })).ToArray();
        foreach (var reader in readers)
        {
            reader.Start();
        }

        for (int round = 0; round < 5; round++)
        {
            for (int i = 0; i < churning.Length; i++)
            {
                cache.Set(churning[i], value);
                if (i >= 300)
                {
                    cache.Remove(churning[i - 300]);
                }
            }

            for (int i = churning.Length - 300; i < churning.Length; i++)
            {
                cache.Remove(churning[i]);
            }
        }

        stop.Cancel();
        foreach (var reader in readers)
        {
            reader.Join();
        }

        Assert.True(lookups > 0);
        Assert.Empty(misses);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TryGetValue_ByPathString_FindsCanonicalAndOtherSpellings_AndCountsOneMissEach(bool ignoreCase)
    {
        using var cache = Create(ignoreCase);
        Assert.True(cache.Set(cache.CreateKey("p", "src/a/x.cs"), "x"));
        Assert.True(cache.Set(cache.CreateKey("p", "top.cs"), "top"));

        Assert.True(cache.TryGet<string>("p", new string("src/a/x.cs".AsSpan()), out var found));
        Assert.Equal("x", found);
        Assert.True(cache.TryGet("p", "./src//a\\x.cs", out found));
        Assert.Equal("x", found);
        Assert.True(cache.TryGet("p", "top.cs", out found));
        Assert.Equal("top", found);
        Assert.Equal(ignoreCase, cache.TryGet("p", "SRC/A/X.CS", out found));
        Assert.Equal(ignoreCase, cache.TryGet("p", "src\\A\\x.cs", out found));

        // The same name in another directory, and the same directory with another name, are other keys.
        Assert.False(cache.TryGet("p", "src/b/x.cs", out found));
        Assert.False(cache.TryGet("p", "src/a/y.cs", out found));
        Assert.False(cache.TryGet("p", "src/a", out found));

        var before = cache.GetStatistics().Total;
        Assert.False(cache.TryGetValue("p", "src/a/none.cs", out _));
        Assert.False(cache.TryGetValue("p", "./src/a/none.cs", out _));
        var after = cache.GetStatistics().Total;
        Assert.Equal(before.Misses + 2, after.Misses);
        Assert.Equal(before.Hits, after.Hits);

        Assert.Equal("path", Assert.Throws<ArgumentNullException>(() => cache.TryGetValue("p", null!, out _)).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => cache.TryGetValue("p", string.Empty, out _)).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => cache.TryGetValue("p", "../outside.cs", out _)).ParamName);
    }
}
