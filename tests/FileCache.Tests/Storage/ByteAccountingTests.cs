using FileCache.Storage;
using Xunit.Abstractions;

namespace FileCache.Tests.Storage;

[CollectionDefinition(nameof(MemoryMeasurement), DisableParallelization = true)]
public sealed class MemoryMeasurement
{
}

/// <summary>
/// Measures what an entry really costs the heap, and checks the constants the cache counts against it. Runs alone
/// (no other test allocates meanwhile) so that the retained-heap difference is this test's.
/// </summary>
[Collection(nameof(MemoryMeasurement))]
public class ByteAccountingTests(ITestOutputHelper output)
{
    private const int Entries = 50_000;

    private static readonly byte[] Shared = [];

    /// <summary>Retained heap per entry: full collections before and after inserting <see cref="Entries"/> entries.</summary>
    private static double RetainedPerEntry(Action<IFileCache, FileKey, int> insert, out long counted, out double allocatedPerEntry)
    {
        using var cache = FileCacheFactory.Create(new FileCacheOptions { MaxBytes = 1L << 40, Memory = { AdaptToPressure = false } }.AddProject("p", null));
        var keys = Enumerable.Range(0, Entries).Select(i => cache.CreateKey("p", $"src/module-{i / 100:D4}/file-{i:D8}.cs")).ToArray();
        insert(cache, cache.CreateKey("p", "warm-up"), -1);

        long before = GC.GetTotalMemory(forceFullCollection: true);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < keys.Length; i++)
        {
            insert(cache, keys[i], i);
        }

        allocatedPerEntry = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)Entries;
        long after = GC.GetTotalMemory(forceFullCollection: true);
        counted = cache.GetStatistics().Total.Bytes;
        GC.KeepAlive(keys);
        return (after - before) / (double)Entries;
    }

    [Fact]
    public void EntryOverhead_IsTheMeasuredRetainedBytesPerEntry()
    {
        // One shared empty value: everything retained is the entry's own structures (entry object, dictionary
        // node, the dictionary's bucket array share, the eviction and expiry links).
        double retained = RetainedPerEntry((cache, key, _) => cache.Set(key, Shared), out long counted, out double allocated);
        output.WriteLine($"entry: retained {retained:F1} B, allocated {allocated:F1} B per entry; counted {DefaultFileCache.EntryOverhead} B");

        Assert.InRange(DefaultFileCache.EntryOverhead, retained * 0.85, retained * 1.15);
        Assert.Equal((Entries + 1) * DefaultFileCache.EntryOverhead, counted);
    }

    [Fact]
    public void CachedFileOverhead_IsTheMeasuredRetainedBytesBesidesContentAndPath()
    {
        // A file value: its CachedFile object and its content array's header on top of the entry. Content and full
        // path are counted by length, so they are subtracted here.
        const string FullPath = "/srv/site/src/file.cs";
        long contentAndPath = 0;
        double retained = RetainedPerEntry(
            (cache, key, i) =>
            {
                var file = new CachedFile(key, FullPath, new byte[16], default, default);
                cache.Set(key, file);
            },
            out long counted,
            out double allocated);
        contentAndPath = 16 + (2 * FullPath.Length);
        double overhead = retained - contentAndPath;
        output.WriteLine($"file: retained {retained:F1} B, allocated {allocated:F1} B per entry, {overhead:F1} B besides 16 content bytes and the path; counted {DefaultFileCache.EntryOverhead + DefaultFileCache.CachedFileOverhead} B");

        Assert.InRange(DefaultFileCache.EntryOverhead + DefaultFileCache.CachedFileOverhead, overhead * 0.85, overhead * 1.15);
        Assert.Equal((Entries + 1) * (contentAndPath + DefaultFileCache.EntryOverhead + DefaultFileCache.CachedFileOverhead), counted);
    }
}
