namespace FileCache.HitRate.Tests;

public class StrictLruTests
{
    private static bool[] Play(int capacity, params ulong[] keys)
    {
        var lru = new StrictLru(capacity);
        return keys.Select(lru.Access).ToArray();
    }

    [Fact]
    public void Access_Capacity2_Sequence12132_HitsOnlyTheSecond1()
    {
        // 1 miss [1]; 2 miss [1 2]; 1 hit [2 1]; 3 miss, evicts 2 [1 3]; 2 miss, evicts 1 [3 2].
        var lru = new StrictLru(2);
        bool[] hits = new ulong[] { 1, 2, 1, 3, 2 }.Select(lru.Access).ToArray();

        Assert.Equal(new[] { false, false, true, false, false }, hits);
        Assert.Equal(1, lru.Hits);
        Assert.Equal(4, lru.Misses);
        Assert.Equal(new ulong[] { 3, 2 }, lru.KeysLeastRecentFirst());
    }

    [Fact]
    public void Access_HitMovesKeyToMostRecent_SoTheOtherKeyIsEvicted()
    {
        // Under FIFO the 1 would go at the 4; under LRU the hit on 1 protects it and 2 goes.
        var lru = new StrictLru(3);
        bool[] hits = new ulong[] { 1, 2, 3, 1, 4, 1, 2 }.Select(lru.Access).ToArray();

        Assert.Equal(new[] { false, false, false, true, false, true, false }, hits);
        Assert.False(lru.Contains(3)); // evicted by 2, the least recent after 1's hits
        Assert.Equal(new ulong[] { 4, 1, 2 }, lru.KeysLeastRecentFirst());
    }

    [Fact]
    public void Access_Capacity1_HitsOnlyImmediateRepeats()
    {
        Assert.Equal(new[] { false, true, true, false, false, true, false }, Play(1, 7, 7, 7, 8, 7, 7, 8));
    }

    [Fact]
    public void Access_CyclicScanLargerThanCapacity_NeverHits()
    {
        // The textbook LRU failure: a loop of 4 keys through 3 slots evicts each key just before it comes back.
        var keys = Enumerable.Range(0, 40).Select(i => (ulong)(i % 4)).ToArray();
        Assert.All(Play(3, keys), Assert.False);
        Assert.Equal(36, Play(4, keys).Count(h => h));
    }

    [Fact]
    public void Access_CapacityAtLeastUniqueKeys_MissesOnlyFirstReferences()
    {
        var keys = new ulong[] { 5, 9, 5, 1, 9, 9, 5, 1, 2, 2 };
        var lru = new StrictLru(4);
        foreach (ulong key in keys)
        {
            lru.Access(key);
        }

        Assert.Equal(4, lru.Misses);
        Assert.Equal(6, lru.Hits);
        Assert.Equal(4, lru.Count);
    }

    [Fact]
    public void Access_NeverHoldsMoreThanCapacity()
    {
        var lru = new StrictLru(5);
        for (ulong key = 0; key < 100; key++)
        {
            lru.Access(key * 7919 % 31);
            Assert.True(lru.Count <= 5);
        }

        Assert.Equal(5, lru.Count);
    }

    [Fact]
    public void Replay_EqualsAccessLoop()
    {
        var keys = Enumerable.Range(0, 500).Select(i => (ulong)(i * i % 37)).ToArray();
        var lru = new StrictLru(10);
        foreach (ulong key in keys)
        {
            lru.Access(key);
        }

        Assert.Equal(new HitCount(lru.Hits, keys.Length), StrictLru.Replay(keys, 10));
    }

    [Fact]
    public void Constructor_CapacityBelow1_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StrictLru(0));
    }
}
