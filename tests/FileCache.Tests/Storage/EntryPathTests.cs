using FileCache.Invalidation;
using FileCache.Storage;

namespace FileCache.Tests.Storage;

/// <summary>
/// An entry keeps its key's path once and no full path: a file's <see cref="CachedFile.FullPath"/> is joined from the
/// project's root and the key's path when asked for. These tests check the joined paths stay right as directories are
/// renamed, invalidated and refilled, with plain and LZ4 values, and in case-insensitive projects.
/// </summary>
[Collection(Invalidation.WatcherTestGroup.Name)]
public sealed class EntryPathTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static DefaultFileCache Create(string root, bool ignoreCase = false, int? compressFrom = null, ValidationMode mode = ValidationMode.None)
    {
        var options = new FileCacheOptions { MaxBytes = 1L << 30, Memory = { AdaptToPressure = false }, Compression = { ThresholdBytes = compressFrom } };
        options.Invalidation.Mode = mode;
        options.AddProject("p", root, p => p.IgnoreCase = ignoreCase);
        return new DefaultFileCache(options, TimeProvider.System);
    }

    private static string Canonical(string root) => Path.GetFullPath(root).Replace('\\', '/').TrimEnd('/');

    [Theory]
    [InlineData(null)]
    [InlineData(64)]
    public async Task FullPath_IsTheFileTheBytesCameFrom_PlainAndCompressed(int? compressFrom)
    {
        using var dir = new TestDirectory();
        string text = string.Concat(Enumerable.Repeat("line of source text\n", 20));
        dir.Write("src/deep/a.cs", text);
        using var cache = Create(dir.Root, compressFrom: compressFrom);

        var read = await cache.ReadAsync("p", "src/deep/a.cs");
        Assert.True(cache.TryGet("p", "src/deep/a.cs", out CachedFile? hit));

        string expected = Canonical(dir.Root) + "/src/deep/a.cs";
        Assert.Equal(expected, read.FullPath);
        Assert.Equal(expected, hit!.FullPath);
        Assert.Equal(File.ReadAllBytes(hit.FullPath), hit.Content.ToArray());
        Assert.Equal(read.Version, hit.Version);
    }

    [Fact]
    public async Task DirectoryRename_FilesReadAtTheNewPlaceJoinTheNewPath()
    {
        using var dir = new TestDirectory();
        dir.Write("old/x/a.txt", "a");
        dir.Write("old/x/deep/b.txt", "bb");
        dir.Write("kept/c.txt", "ccc");
        using var cache = Create(dir.Root, mode: ValidationMode.Watch);
        await cache.ReadAsync("p", "old/x/a.txt");
        await cache.ReadAsync("p", "old/x/deep/b.txt");
        var kept = await cache.ReadAsync("p", "kept/c.txt");

        Directory.Move(Path.Combine(dir.Root, "old"), Path.Combine(dir.Root, "renamed"));
        await cache.SynchronizeAsync("p").WaitAsync(Wait);

        Assert.False(cache.TryGet("p", "old/x/a.txt", out CachedFile? _));
        Assert.False(cache.TryGet("p", "old/x/deep/b.txt", out CachedFile? _));
        var a = await cache.ReadAsync("p", "renamed/x/a.txt");
        var b = await cache.ReadAsync("p", "renamed/x/deep/b.txt");
        Assert.Equal(Canonical(dir.Root) + "/renamed/x/a.txt", a.FullPath);
        Assert.Equal(Canonical(dir.Root) + "/renamed/x/deep/b.txt", b.FullPath);
        Assert.Equal("bb"u8.ToArray(), File.ReadAllBytes(b.FullPath));
        Assert.True(cache.TryGet("p", "kept/c.txt", out CachedFile? stillKept));
        Assert.Same(kept, stillKept);
        Assert.Equal(Canonical(dir.Root) + "/kept/c.txt", stillKept!.FullPath);

        // The new directory's entries hang on the path index: invalidating it reaches them, and only them.
        Assert.Equal(2, cache.Invalidate(InvalidationRequest.ForDirectory("p", "renamed")).Invalidated);
        Assert.False(cache.TryGet("p", "renamed/x/a.txt", out CachedFile? _));
        Assert.True(cache.TryGet("p", "kept/c.txt", out CachedFile? _));
    }

    [Fact]
    public async Task DirectoryRenamedAway_AndMadeAgain_EachNameJoinsItsOwnFiles()
    {
        // The old name's directory node is pruned with its entries and made again for the new files read there; the
        // renamed directory gets its own node. Each entry joins its full path from its own node.
        using var dir = new TestDirectory();
        dir.Write("lib/v/a.txt", "first");
        using var cache = Create(dir.Root, mode: ValidationMode.Watch);
        await cache.ReadAsync("p", "lib/v/a.txt");

        Directory.Move(Path.Combine(dir.Root, "lib", "v"), Path.Combine(dir.Root, "lib", "w"));
        dir.Write("lib/v/a.txt", "second!");
        await cache.SynchronizeAsync("p").WaitAsync(Wait);

        var again = await cache.ReadAsync("p", "lib/v/a.txt");
        var moved = await cache.ReadAsync("p", "lib/w/a.txt");
        Assert.Equal("second!"u8.ToArray(), again.Content.ToArray());
        Assert.Equal("first"u8.ToArray(), moved.Content.ToArray());
        Assert.Equal(Canonical(dir.Root) + "/lib/v/a.txt", again.FullPath);
        Assert.Equal(Canonical(dir.Root) + "/lib/w/a.txt", moved.FullPath);
        Assert.Equal(cache.CreateKey("p", "lib/v/a.txt"), again.Key);
        Assert.Equal(cache.CreateKey("p", "lib/w/a.txt"), moved.Key);
        Assert.True(cache.TryGet("p", "lib/w/a.txt", out CachedFile? hit));
        Assert.Same(moved, hit);

        Assert.Equal(1, cache.Invalidate(InvalidationRequest.ForDirectory("p", "lib/v")).Invalidated);
        Assert.True(cache.TryGet("p", "lib/w/a.txt", out CachedFile? _));
        Assert.Equal(Canonical(dir.Root) + "/lib/w/a.txt", hit!.FullPath);
        CacheFixture.AssertConsistent(cache);
    }

    [Fact]
    public async Task DirectoryInvalidation_PrunesTheIndex_AndRefilledEntriesAreIndexedAndJoinedAgain()
    {
        using var dir = new TestDirectory();
        dir.Write("a/b/one.txt", "1");
        dir.Write("a/b/two.txt", "22");
        using var cache = Create(dir.Root);
        await cache.ReadAsync("p", "a/b/one.txt");
        await cache.ReadAsync("p", "a/b/two.txt");
        var index = cache.PartitionFor("p").Paths;
        Assert.Equal(2, index.NodeCount);

        Assert.Equal(2, cache.Invalidate(InvalidationRequest.ForDirectory("p", "a")).Invalidated);
        Assert.Equal(0, index.NodeCount);

        // Refill: the pruned nodes come back, and the entries hang on them (a later invalidation finds them).
        var one = await cache.ReadAsync("p", "a/b/one.txt");
        Assert.Equal(Canonical(dir.Root) + "/a/b/one.txt", one.FullPath);
        Assert.Equal(2, index.NodeCount);
        Assert.Equal(1, cache.Invalidate(InvalidationRequest.ForDirectory("p", "a/b")).Invalidated);
        Assert.False(cache.TryGet("p", "a/b/one.txt", out CachedFile? _));
    }

    [Fact]
    public async Task IgnoreCaseProject_OneEntryForEveryCasing_ItsPathIsTheFileRead()
    {
        // A case-insensitive project cannot have a root on this (case-sensitive) file system: it is refused at
        // registration. A source of its own stands for a case-insensitive store; its location is kept as given.
        var source = new Sources.InMemoryFileSource().Write("Src/Deep/File.CS", "content");
        var options = new FileCacheOptions { MaxBytes = 1L << 30, Memory = { AdaptToPressure = false } };
        options.AddProject("p", null, p => { p.Source = source; p.IgnoreCase = true; });
        using var cache = new DefaultFileCache(options, TimeProvider.System);

        var read = await cache.ReadAsync("p", "Src/Deep/File.CS");
        Assert.True(cache.TryGet("p", "src/deep/file.cs", out CachedFile? lower));
        Assert.True(cache.TryGet(cache.CreateKey("p", "SRC/DEEP/FILE.CS"), out CachedFile? upper));
        Assert.Same(read, lower);
        Assert.Same(read, upper);
        Assert.Equal("memory:Src/Deep/File.CS", lower!.FullPath);
        Assert.Equal(1, cache.GetStatistics().Total.Entries);

        // Replacing under another casing keeps one entry; the path index and the map agree on it.
        Assert.True(cache.Set(cache.CreateKey("p", "SRC/deep/FILE.cs"), new byte[] { 1 }));
        Assert.Equal(1, cache.GetStatistics().Total.Entries);
        Assert.Equal(1, cache.Invalidate(InvalidationRequest.ForDirectory("p", "sRc/DEEP")).Invalidated);
        Assert.Equal(0, cache.GetStatistics().Total.Entries);
        Assert.All(cache.Recount(), r => Assert.Equal(r.MapCount, r.CountedEntries));
    }

    [Fact]
    public void Map_ManyInsertsAndRemovals_FindsEveryLiveKeyAndNoRemovedOne()
    {
        // Growth, tombstones and shrinking of the open-addressing map, against a model.
        using var cache = FileCacheFactory.Create(new FileCacheOptions { MaxBytes = 1L << 40, Memory = { AdaptToPressure = false } }.AddProject("p", null));
        var random = new Random(7);
        var live = new HashSet<int>();
        for (int step = 0; step < 40_000; step++)
        {
            int n = random.Next(3_000);
            var key = cache.CreateKey("p", $"d{n % 17}/f{n}");
            if (random.Next(3) == 0)
            {
                Assert.Equal(live.Remove(n), cache.Remove(key));
            }
            else
            {
                Assert.True(cache.Set(key, new byte[] { (byte)n }));
                live.Add(n);
            }
        }

        for (int n = 0; n < 3_000; n++)
        {
            bool found = cache.TryGet(cache.CreateKey("p", $"d{n % 17}/f{n}"), out byte[]? value);
            Assert.Equal(live.Contains(n), found);
            if (found)
            {
                Assert.Equal((byte)n, value![0]);
            }
        }

        Assert.Equal(live.Count, cache.GetStatistics().Total.Entries);
    }
}
