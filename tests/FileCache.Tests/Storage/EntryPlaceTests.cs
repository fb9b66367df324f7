using FileCache.Invalidation;
using FileCache.Storage;

namespace FileCache.Tests.Storage;

/// <summary>
/// An entry keeps its file name and its directory's node of the path index, never its key's path: the hit compares a
/// prepared key's path against the directory's path and the name; a file read from the project's root shares both with
/// its entry; the trie adopts a directory node made for a load when the directory was not indexed (or was pruned since).
/// </summary>
public sealed class EntryPlaceTests
{
    private static DefaultFileCache Derived(bool ignoreCase = false)
    {
        var options = new FileCacheOptions { MaxBytes = 1L << 30, Memory = { AdaptToPressure = false } };
        options.AddProject("p", null, p => p.IgnoreCase = ignoreCase);
        options.AddProject("q", null);
        return new DefaultFileCache(options, TimeProvider.System);
    }

    [Fact]
    public void Hit_ComparesDirectoryAndName_NeverConfusesKeysThatShareEitherPart()
    {
        using var cache = Derived();
        string[] paths =
        [
            "a.cs", "src/a.cs", "src/b.cs", "lib/a.cs", "src/a/a.cs", "src/a.cs/x", "srca.cs", "src/aa.cs", "s/rc/a.cs", "src", "a/src",
        ];
        for (int i = 0; i < paths.Length; i++)
        {
            Assert.True(cache.Set(cache.CreateKey("p", paths[i]), new[] { (byte)i }));
        }

        for (int i = 0; i < paths.Length; i++)
        {
            // A fresh key string each time: nothing is found by reference.
            Assert.True(cache.TryGet(cache.CreateKey("p", new string(paths[i].AsSpan())), out byte[]? value), paths[i]);
            Assert.Equal((byte)i, value![0]);
            Assert.False(cache.TryGet(cache.CreateKey("q", paths[i]), out byte[]? _));
            Assert.False(cache.TryGet(cache.CreateKey("p", paths[i], "variant"), out byte[]? _));
        }

        foreach (string absent in new[] { "b.cs", "src/c.cs", "lib/b.cs", "src/a", "rc/a.cs", "src/a.c", "src/a.css", "x/src/a.cs" })
        {
            Assert.False(cache.TryGet(cache.CreateKey("p", absent), out byte[]? _), absent);
        }

        // The key an entry gives back (events, enumeration) is joined from its directory and name.
        var removed = new List<FileKey>();
        cache.EntryRemoved += (_, e) => removed.Add(e.Key);
        Assert.Equal(3, cache.Invalidate(InvalidationRequest.ForDirectory("p", "src/a")).Invalidated + cache.Invalidate(InvalidationRequest.ForKey(cache.CreateKey("p", "s/rc/a.cs"))).Invalidated + cache.Invalidate(InvalidationRequest.ForKey(cache.CreateKey("p", "a.cs"))).Invalidated);
        Assert.Equal(new[] { "a.cs", "s/rc/a.cs", "src/a/a.cs" }, removed.Select(k => k.Path).Order(StringComparer.Ordinal));
        Assert.True(cache.TryGet(cache.CreateKey("p", "src/a.cs"), out byte[]? _));
        Assert.True(cache.TryGet(cache.CreateKey("p", "src/a.cs/x"), out byte[]? _));
    }

    [Fact]
    public void IgnoreCase_AnyCasingOfDirectoryOrName_FindsTheEntry_AndItsKeyKeepsTheFirstSpelling()
    {
        using var cache = Derived(ignoreCase: true);
        Assert.True(cache.Set(cache.CreateKey("p", "Src/Deep/File.cs"), new byte[] { 1 }));
        Assert.True(cache.Set(cache.CreateKey("p", "SRC/deep/other.CS"), new byte[] { 2 }));

        Assert.True(cache.TryGet(cache.CreateKey("p", "src/deep/file.CS"), out byte[]? one));
        Assert.Equal(1, one![0]);
        Assert.True(cache.TryGet(cache.CreateKey("p", "sRc/DEEP/OTHER.cs"), out byte[]? two));
        Assert.Equal(2, two![0]);
        Assert.False(cache.TryGet(cache.CreateKey("p", "src/deeper/file.cs"), out byte[]? _));

        // Both files hang on one directory node (the trie compares segments ignoring case); each keeps its own name.
        var partition = cache.PartitionFor("p");
        Assert.True(partition.Map.TryGetValue(cache.CreateKey("p", "SRC/DEEP/FILE.CS"), out var first));
        Assert.True(partition.Map.TryGetValue(cache.CreateKey("p", "src/deep/other.cs"), out var second));
        Assert.Same(first!.IndexNode, second!.IndexNode);
        Assert.Equal("Src/Deep/File.cs", first.Key.Path);
        Assert.Equal("Src/Deep/other.CS", second.Key.Path);
        Assert.Equal(2, partition.Paths.NodeCount);

        // Past a few subdirectories a directory's children move from an array to a dictionary, and back when pruned;
        // both compare segments ignoring case.
        for (int i = 0; i < 12; i++)
        {
            Assert.True(cache.Set(cache.CreateKey("p", $"Src/Sub{i}/F.cs"), new[] { (byte)i }));
        }

        for (int i = 0; i < 12; i++)
        {
            Assert.True(cache.TryGet(cache.CreateKey("p", $"sRC/SUB{i}/f.CS"), out byte[]? sub));
            Assert.Equal((byte)i, sub![0]);
        }

        Assert.Equal(14, partition.Paths.NodeCount);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(1, cache.Invalidate(InvalidationRequest.ForDirectory("p", $"SRC/sub{i}")).Invalidated);
        }

        Assert.Equal(4, partition.Paths.NodeCount);
        Assert.True(cache.TryGet(cache.CreateKey("p", "src/sub11/f.cs"), out byte[]? last));
        Assert.Equal(11, last![0]);
        Assert.Equal(4, cache.Invalidate(InvalidationRequest.ForDirectory("p", "src")).Invalidated);
        Assert.Equal(0, partition.Paths.NodeCount);
    }

    [Fact]
    public async Task FileReadFromTheRoot_SharesItsNameAndDirectoryWithItsEntry()
    {
        using var dir = new TestDirectory();
        dir.Write("src/deep/a.cs", "a");
        dir.Write("src/deep/b.cs", "b");
        dir.Write("top.cs", "t");
        var options = new FileCacheOptions { MaxBytes = 1L << 30, Memory = { AdaptToPressure = false } };
        options.Invalidation.Mode = ValidationMode.None;
        options.AddProject("p", dir.Root);
        using var cache = new DefaultFileCache(options, TimeProvider.System);
        var partition = cache.PartitionFor("p");

        foreach (string path in new[] { "src/deep/a.cs", "src/deep/b.cs", "top.cs" })
        {
            var key = cache.CreateKey("p", path);
            var file = await cache.ReadAsync(key);
            Assert.True(partition.Map.TryGetValue(key, out var entry));
            Assert.True(file.Origin.TryShare(partition.Paths, key, out var directory, out var name));
            Assert.Same(directory, entry!.IndexNode);
            Assert.True(name.Same(entry.Name));
            Assert.True(entry.IndexNode.InTrie);
            Assert.Equal(path, file.Key.Path);
            Assert.Equal(Path.Join(dir.Root, path).Replace('\\', '/'), file.FullPath.Replace('\\', '/'));
        }

        Assert.Equal(2, partition.Paths.NodeCount);
    }

    [Fact]
    public void NodeMadeForALoad_IsAdoptedByTheTrie_OrGivesWayToOneMadeMeanwhile_AndSurvivesPruning()
    {
        using var cache = Derived();
        var partition = cache.PartitionFor("p");
        var a = cache.CreateKey("p", "new/dir/a.cs");
        var b = cache.CreateKey("p", "new/dir/b.cs");

        // Two loads place their files before either is indexed: each gets a node of its own, outside the trie.
        var fileA = new CachedFile(new FileOrigin(partition.Paths, a), new byte[] { 1 }, default, default, writtenJustBeforeRead: false);
        var fileB = new CachedFile(new FileOrigin(partition.Paths, b), new byte[] { 2 }, default, default, writtenJustBeforeRead: false);
        Assert.True(fileA.Origin.TryShare(partition.Paths, a, out var nodeA, out _));
        Assert.True(fileB.Origin.TryShare(partition.Paths, b, out var nodeB, out _));
        Assert.NotSame(nodeA, nodeB);
        Assert.False(nodeA.InTrie);

        // The first insert adopts its node; the second is given the adopted one (same directory).
        Assert.True(cache.Set(a, fileA));
        Assert.True(cache.Set(b, fileB));
        Assert.True(partition.Map.TryGetValue(a, out var entryA));
        Assert.True(partition.Map.TryGetValue(b, out var entryB));
        Assert.Same(nodeA, entryA!.IndexNode);
        Assert.Same(nodeA, entryB!.IndexNode);
        Assert.True(nodeA.InTrie);
        Assert.Equal(2, partition.Paths.NodeCount);

        // A load placed while the directory is indexed gets the trie's node; the directory is then pruned before its
        // insert: the trie takes the pruned node back, and an invalidation of the directory reaches the new entry.
        var c = cache.CreateKey("p", "new/dir/c.cs");
        var fileC = new CachedFile(new FileOrigin(partition.Paths, c), new byte[] { 3 }, default, default, writtenJustBeforeRead: false);
        Assert.True(fileC.Origin.TryShare(partition.Paths, c, out var nodeC, out _));
        Assert.Same(nodeA, nodeC);
        Assert.Equal(2, cache.Invalidate(InvalidationRequest.ForDirectory("p", "new")).Invalidated);
        Assert.Equal(0, partition.Paths.NodeCount);
        Assert.False(nodeC.InTrie);

        Assert.True(cache.Set(c, fileC));
        Assert.True(cache.TryGet(c, out CachedFile? hit));
        Assert.Same(fileC, hit);
        Assert.Equal("new/dir/c.cs", hit!.Key.Path);
        Assert.True(partition.Map.TryGetValue(c, out var entryC));
        Assert.Same(nodeC, entryC!.IndexNode);
        Assert.True(nodeC.InTrie);
        Assert.Equal(2, partition.Paths.NodeCount);
        Assert.Equal(1, cache.Invalidate(InvalidationRequest.ForDirectory("p", "new/dir")).Invalidated);
        Assert.Equal(0, partition.Paths.NodeCount);
    }

    [Fact]
    public void AFileOfAnotherKeyOrProject_IsNotSharedWith_AndTheEntryPlacesItself()
    {
        using var cache = Derived();
        var p = cache.PartitionFor("p");
        var key = cache.CreateKey("p", "x/one.cs");
        var file = new CachedFile(new FileOrigin(p.Paths, key), new byte[] { 1 }, default, default, writtenJustBeforeRead: false);

        // Another path, and the same path in another project: the entry gets its own name and node.
        var other = cache.CreateKey("p", "x/two.cs");
        var elsewhere = cache.CreateKey("q", "x/one.cs");
        Assert.True(cache.Set(other, file));
        Assert.True(cache.Set(elsewhere, file));
        Assert.True(p.Map.TryGetValue(other, out var entry));
        Assert.Equal("two.cs", entry!.Name.ToString());
        Assert.Equal("x/two.cs", entry.Key.Path);
        Assert.True(cache.PartitionFor("q").Map.TryGetValue(elsewhere, out var entryQ));
        Assert.NotSame(entry.IndexNode, entryQ!.IndexNode);
        Assert.Equal("q", entryQ.Key.Project);
        Assert.Equal("x/one.cs", entryQ.Key.Path);
    }

    [Fact]
    public async Task ReadersWithoutTheLock_WhileDirectoriesComeAndGo_AlwaysFindWhatIsCached()
    {
        // Loads walk the trie without the lock while inserts and prunes change it: every level is replaced whole.
        using var cache = Derived();
        var partition = cache.PartitionFor("p");
        var keep = cache.CreateKey("p", "stable/deep/kept.cs");
        Assert.True(cache.Set(keep, new byte[] { 7 }));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var writer = Task.Run(() =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                var key = cache.CreateKey("p", $"stable/d{i % 50}/f{i % 7}.cs");
                cache.Set(key, new byte[] { 1 });
                if (i % 3 == 0)
                {
                    cache.Invalidate(InvalidationRequest.ForDirectory("p", $"stable/d{(i + 25) % 50}"));
                }
            }
        });

        long reads = 0;
        while (!stop.IsCancellationRequested)
        {
            var node = partition.Paths.Place("stable/deep/kept.cs", default, out var name);
            Assert.Equal("stable/deep", node.DirectoryPath);
            Assert.Equal("kept.cs", name.ToString());
            Assert.True(node.InTrie);
            Assert.True(cache.TryGet(keep, out byte[]? kept));
            Assert.Equal(7, kept![0]);
            reads++;
        }

        await writer;
        Assert.True(reads > 0);
        Assert.All(cache.Recount(), r => Assert.Equal(r.MapCount, r.CountedEntries));
    }
}
