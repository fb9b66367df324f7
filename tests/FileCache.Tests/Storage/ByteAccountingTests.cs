using FileCache.Storage;
using Xunit.Abstractions;

namespace FileCache.Tests.Storage;

[CollectionDefinition(nameof(MemoryMeasurement), DisableParallelization = true)]
public sealed class MemoryMeasurement
{
}

/// <summary>
/// Measures what an entry really costs the heap, and checks that what the cache counts is that (within 5 %). Runs
/// alone (no other test allocates meanwhile) so that the retained-heap difference is this test's. The keys' path
/// strings are made inside the measured window, because an entry keeps its key's path alive and counts it.
/// </summary>
[Collection(nameof(MemoryMeasurement))]
public class ByteAccountingTests(ITestOutputHelper output)
{
    private const int Entries = 50_000;

    private static readonly byte[] Shared = [];

    private static ProjectIdentity? s_identity;

    /// <summary>The project's identity, one for all its files (as the partition's), made at the warm-up insert.</summary>
    private static ProjectIdentity Identity(FileKey key) => s_identity ??= new ProjectIdentity(key.Project, key.ProjectHash, key.IgnoreCase, "/srv/site");

    /// <summary>Retained heap per entry: full collections before and after inserting <see cref="Entries"/> entries.</summary>
    private static double RetainedPerEntry(Action<IFileCache, FileKey, int> insert, out double countedPerEntry, out double allocatedPerEntry)
    {
        using var cache = FileCacheFactory.Create(new FileCacheOptions { MaxBytes = 1L << 40, Memory = { AdaptToPressure = false } }.AddProject("p", null));
        var keys = new FileKey[Entries];
        insert(cache, cache.CreateKey("p", "warm-up"), -1);
        long countedBefore = cache.GetStatistics().Total.Bytes;

        long before = GC.GetTotalMemory(forceFullCollection: true);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = cache.CreateKey("p", $"src/module-{i / 100:D4}/file-{i:D8}.cs");
            insert(cache, keys[i], i);
        }

        allocatedPerEntry = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)Entries;
        long after = GC.GetTotalMemory(forceFullCollection: true);
        countedPerEntry = (cache.GetStatistics().Total.Bytes - countedBefore) / (double)Entries;
        GC.KeepAlive(keys);
        return (after - before) / (double)Entries;
    }

    [Fact]
    public void EntryOverhead_IsTheMeasuredRetainedBytesPerEntry()
    {
        // One shared empty value: everything retained is the entry's own structures (entry object, its map slots,
        // its key's path string).
        double retained = RetainedPerEntry((cache, key, _) => cache.Set(key, Shared), out double counted, out double allocated);

        // The value is one shared empty array, which the cache counts for every entry (it cannot know it is shared).
        counted -= DefaultFileCache.ArrayHeaderBytes;
        output.WriteLine($"entry: retained {retained:F1} B, allocated {allocated:F1} B per entry; counted {counted:F1} B (overhead constant {DefaultFileCache.EntryOverhead} B)");

        Assert.InRange(counted, retained * 0.95, retained * 1.05);
    }

    [Fact]
    public void FileEntry_CountsWhatItRetains()
    {
        // A file value as the cache reads it (full path joined from the root on demand): the CachedFile object and
        // its content array on top of the entry.
        double retained = RetainedPerEntry(
            (cache, key, i) => cache.Set(key, new CachedFile(new FileOrigin(Identity(key), key), new byte[16], default, default, writtenJustBeforeRead: false)),
            out double counted,
            out double allocated);
        output.WriteLine($"file: retained {retained:F1} B, allocated {allocated:F1} B per entry, {retained - 16:F1} B besides 16 content bytes; counted {counted:F1} B");

        Assert.InRange(counted, retained * 0.95, retained * 1.05);
        Assert.True(retained - 16 <= 400, $"a file entry holds {retained - 16:F1} B besides its content; the target is 400");
    }

    [Fact]
    public void FileWithAGivenFullPath_CountsThatPathToo()
    {
        double retained = RetainedPerEntry(
            (cache, key, i) => cache.Set(key, new CachedFile(key, "/srv/site/" + key.Path, new byte[16], default, default)),
            out double counted,
            out _);
        output.WriteLine($"file with its own full path: retained {retained:F1} B; counted {counted:F1} B");

        Assert.InRange(counted, retained * 0.95, retained * 1.05);
    }
}
