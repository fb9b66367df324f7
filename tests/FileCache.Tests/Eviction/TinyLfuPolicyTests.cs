using FileCache.Storage;

namespace FileCache.Tests.Eviction;

/// <summary>The admission policy through the cache: frequency decides, and size cannot buy its way in.</summary>
public class TinyLfuPolicyTests
{
    private static DefaultFileCache Create(EvictionPolicy policy, long budget) =>
        CacheFixture.Create(budget, configure: o => o.EvictionPolicy = policy);

    /// <summary>90 small entries of 10 bytes, each read 5 times, then one cold 900-byte file: how many small ones survive?</summary>
    private static int SmallSurvivorsAfterHugeColdFile(EvictionPolicy policy, out bool hugeCached)
    {
        using var cache = Create(policy, 1000);
        var small = Enumerable.Range(0, 90).Select(i => cache.CreateKey("p", $"small{i}.txt")).ToArray();
        foreach (var key in small)
        {
            Assert.True(cache.Set(key, "s", CacheFixture.Size(10)));
        }

        for (int round = 0; round < 5; round++)
        {
            foreach (var key in small)
            {
                Assert.True(cache.TryGet<string>(key, out _));
            }
        }

        var huge = cache.CreateKey("p", "huge.bin");
        cache.Set(huge, new byte[1], CacheFixture.Size(900));
        hugeCached = cache.TryGet<byte[]>(huge, out _);
        CacheFixture.AssertConsistent(cache);
        return small.Count(k => cache.TryGet<string>(k, out _));
    }

    [Fact]
    public void Set_HugeColdFile_DoesNotFlushManySmallHotOnes()
    {
        int survivors = SmallSurvivorsAfterHugeColdFile(EvictionPolicy.TinyLfu, out bool hugeCached);

        Assert.False(hugeCached);
        Assert.True(survivors >= 89, $"only {survivors} of 90 hot entries survived one cold 900-byte insert");
    }

    [Fact]
    public void Set_HugeColdFile_UnderClock_FlushesThem()
    {
        // The contrast that makes the test above meaningful: recency alone lets the newcomer in.
        int survivors = SmallSurvivorsAfterHugeColdFile(EvictionPolicy.Clock, out bool hugeCached);

        Assert.True(hugeCached);
        Assert.True(survivors <= 10, $"{survivors} small entries survived under CLOCK");
    }

    [Fact]
    public void Set_HugeFileReadOftenBefore_IsAdmitted()
    {
        // Size alone is no veto: a large file that keeps being asked for beats cold small residents.
        using var cache = Create(EvictionPolicy.TinyLfu, 1000);
        for (int i = 0; i < 90; i++)
        {
            cache.Set(cache.CreateKey("p", $"cold{i}.txt"), "c", CacheFixture.Size(10));
        }

        var big = cache.CreateKey("p", "big.bin");
        bool cached = false;
        for (int attempt = 0; attempt < 10 && !cached; attempt++)
        {
            if (!cache.TryGet<byte[]>(big, out _))
            {
                cache.Set(big, new byte[1], CacheFixture.Size(300));
            }

            cached = cache.TryGet<byte[]>(big, out _);
        }

        Assert.True(cached, "a file missed 10 times in a row was never admitted");
        CacheFixture.AssertConsistent(cache);
    }

    [Fact]
    public void Window_RecencyWorkload_GrowsAndRecoversLruHits()
    {
        // Every key is read twice, 50 requests apart, then never again: only recency helps. A 1% window turns the
        // second read away at first; the regrets must grow the window until it holds those keys.
        using var cache = Create(EvictionPolicy.TinyLfu, 1000);
        var policy = cache.Store.Policy!;
        double initial = policy.WindowFraction;
        long hits = 0, requests = 0;
        var recent = new Queue<FileKey>();
        for (int i = 0; i < 20_000; i++)
        {
            var key = cache.CreateKey("p", $"k{i}");
            recent.Enqueue(key);
            foreach (var read in recent.Count > 50 ? new[] { key, recent.Dequeue() } : new[] { key })
            {
                requests++;
                if (cache.TryGet<string>(read, out _))
                {
                    hits++;
                }
                else
                {
                    cache.Set(read, "v", CacheFixture.Size(1));
                }
            }
        }

        Assert.True(policy.WindowFraction > 10 * initial, $"window stayed at {policy.WindowFraction:P1} of the budget");
        Assert.True(hits * 100 / requests >= 45, $"{hits} hits in {requests} requests; strict LRU would hit almost every second read (50 %)");
    }

    [Fact]
    public void Store_UnderConcurrentReadsAndWrites_StaysConsistent()
    {
        using var cache = Create(EvictionPolicy.TinyLfu, 5_000);
        var keys = Enumerable.Range(0, 2_000).Select(i => cache.CreateKey("p", $"k{i}")).ToArray();
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            var random = new Random(t);
            for (int i = 0; i < 50_000; i++)
            {
                var key = keys[(int)Math.Min(keys.Length - 1, Math.Abs(random.NextDouble() * random.NextDouble()) * keys.Length)];
                if (!cache.TryGet<string>(key, out _))
                {
                    cache.Set(key, "v", CacheFixture.Size(1 + (i % 20)));
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        CacheFixture.AssertConsistent(cache);
        Assert.True(cache.GetStatistics().Total.Bytes <= 5_000);
    }
}
