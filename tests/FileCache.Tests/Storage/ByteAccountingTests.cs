using FileCache.Storage;
using Xunit.Abstractions;

namespace FileCache.Tests.Storage;

[CollectionDefinition(nameof(MemoryMeasurement), DisableParallelization = true)]
public sealed class MemoryMeasurement
{
}

/// <summary>
/// Measures what an entry really costs the heap, and checks that what the cache counts is that (within 5 %). Runs
/// alone (no other test allocates meanwhile) so that the retained-heap difference is this test's. The keys are made
/// before the measured window: an entry keeps its file name and its directory's node, not its key's path.
/// </summary>
[Collection(nameof(MemoryMeasurement))]
public class ByteAccountingTests(ITestOutputHelper output)
{
    private const int Entries = 50_000;

    private static readonly byte[] Shared = [];

    /// <summary>A file's version as the disk gives it: its content's length and a UTC time (what most files keep, with no side object).</summary>
    private static readonly FileVersion Version16 = new(16, new DateTimeOffset(2026, 11, 26, 5, 0, 0, TimeSpan.Zero));

    private static readonly DateTimeOffset ReadAt = new(2026, 11, 26, 5, 1, 0, TimeSpan.Zero);

    /// <summary>Retained heap per entry: full collections before and after inserting <see cref="Entries"/> entries.</summary>
    private static double RetainedPerEntry(Action<IFileCache, FileKey, int> insert, out double countedPerEntry, out double allocatedPerEntry, long? quota = null)
    {
        using var cache = FileCacheFactory.Create(new FileCacheOptions { MaxBytes = 1L << 40, Memory = { AdaptToPressure = false } }.AddProject("p", null, p => p.MaxBytes = quota));
        var keys = new FileKey[Entries];
        insert(cache, cache.CreateKey("p", "warm-up"), -1);
        long countedBefore = cache.GetStatistics().Total.Bytes;

        // The keys (and their path strings) are the caller's, made before the measured window: an entry keeps only its
        // file name and its directory's node, never its key's path. A prepared key of a path not cached yet carries the
        // name string its entry will share: these keys do not, so the names are made (and measured) in the window, as
        // for a key the cache makes from a path.
        for (int i = 0; i < keys.Length; i++)
        {
            var prepared = cache.CreateKey("p", $"src/module-{i / 100:D4}/file-{i:D8}.cs");
            keys[i] = new FileKey(prepared.Project, prepared.ProjectHash, prepared.Path, null, prepared.IgnoreCase);
        }

        long before = GC.GetTotalMemory(forceFullCollection: true);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < keys.Length; i++)
        {
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
        // its file name, its share of its directory's node).
        double retained = RetainedPerEntry((cache, key, _) => cache.Set(key, Shared), out double counted, out double allocated);

        // The value is one shared empty array, which the cache counts for every entry (it cannot know it is shared).
        counted -= DefaultFileCache.ArrayHeaderBytes;
        output.WriteLine($"entry: retained {retained:F1} B, allocated {allocated:F1} B per entry; counted {counted:F1} B (overhead constant {DefaultFileCache.EntryOverhead} B)");

        Assert.InRange(counted, retained * 0.95, retained * 1.05);
    }

    [Fact]
    public void FileEntry_CountsWhatItRetains()
    {
        // A file value as the cache reads it (its directory node and name shared with its entry, no path of its own):
        // the CachedFile object and its content array on top of the entry.
        double retained = RetainedPerEntry(
            (cache, key, i) => cache.Set(key, new CachedFile(new FileOrigin(((DefaultFileCache)cache).PartitionFor("p").Paths, key), new byte[16], Version16, ReadAt, writtenJustBeforeRead: false)),
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
            (cache, key, i) => cache.Set(key, new CachedFile(key, "/srv/site/" + key.Path, new byte[16], Version16, ReadAt)),
            out double counted,
            out _);
        output.WriteLine($"file with its own full path: retained {retained:F1} B; counted {counted:F1} B");

        Assert.InRange(counted, retained * 0.95, retained * 1.05);
    }

    [Fact]
    public void EntryOfAProjectWithAQuota_CountsItsPartitionListLinks()
    {
        // Only a project with a quota keeps its entries on its own eviction list, whose links are on a side object: its
        // entries cost (and are counted) that much more than the plain entry above.
        double plain = RetainedPerEntry((cache, key, _) => cache.Set(key, Shared), out double plainCounted, out _);
        double retained = RetainedPerEntry((cache, key, _) => cache.Set(key, Shared), out double counted, out _, quota: 1L << 40);

        // The shared empty array is counted for every entry (its header) but retained once.
        plainCounted -= DefaultFileCache.ArrayHeaderBytes;
        counted -= DefaultFileCache.ArrayHeaderBytes;
        output.WriteLine($"entry of a project with a quota: retained {retained:F1} B, counted {counted:F1} B (without a quota: {plain:F1} B, counted {plainCounted:F1} B)");

        Assert.InRange(counted, retained * 0.95, retained * 1.05);
        Assert.Equal(DefaultFileCache.QuotaSideOverhead, counted - plainCounted);
        Assert.InRange(retained - plain, DefaultFileCache.QuotaSideOverhead * 0.9, DefaultFileCache.QuotaSideOverhead * 1.1);
    }

    [Fact]
    public void FileFacts_OutOfTheOrdinary_RoundTrip_AndTheirSideObjectIsCounted()
    {
        // Most files keep no side object for their facts (the version's length is the content's, offsets are zero, no
        // hash); the others keep one, and every fact comes back as given.
        var origin = new FileOrigin(new FileKey("p", FileCache.Keys.KeyHash.Of("p"), "a.txt", null, false), "/srv/a.txt");
        var plain = new CachedFile(origin, new byte[16], Version16, ReadAt, writtenJustBeforeRead: true, writtenByCache: true);
        Assert.Equal(Version16, plain.Version);
        Assert.Equal(ReadAt, plain.ReadAt);
        Assert.True(plain.WrittenJustBeforeRead);
        Assert.True(plain.WrittenByCache);
        Assert.Equal(0, plain.Facts.OwnBytes);

        var local = new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.FromHours(2));
        var late = new DateTimeOffset(DateTime.MaxValue.Ticks - 1, TimeSpan.Zero);
        FileVersion[] unusual =
        [
            new(17, Version16.LastWriteTimeUtc),
            new(16, local),
            new(16, Version16.LastWriteTimeUtc, UInt128.MaxValue - 5),
            new(long.MaxValue, late, 0),
        ];
        foreach (var version in unusual)
        {
            var file = new CachedFile(origin, new byte[16], version, local, writtenJustBeforeRead: false, writtenByCache: false);
            Assert.Equal(version, file.Version);
            Assert.Equal(local, file.ReadAt);
            Assert.Equal(local.Offset, file.ReadAt.Offset);
            Assert.Equal(version.LastWriteTimeUtc.Offset, file.Version.LastWriteTimeUtc.Offset);
            Assert.False(file.WrittenJustBeforeRead);
            Assert.False(file.WrittenByCache);
            Assert.Equal(FactsExtra.Bytes, file.Facts.OwnBytes);
        }

        var latest = new CachedFile(origin, new byte[16], new FileVersion(16, late), late, writtenJustBeforeRead: true, writtenByCache: true);
        Assert.Equal(late, latest.Version.LastWriteTimeUtc);
        Assert.Equal(late, latest.ReadAt);
        Assert.True(latest.WrittenJustBeforeRead);
        Assert.True(latest.WrittenByCache);
    }
}
