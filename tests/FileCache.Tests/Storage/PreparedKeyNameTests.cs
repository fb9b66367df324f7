using FileCache.Invalidation;
using FileCache.Storage;

namespace FileCache.Tests.Storage;

/// <summary>
/// A prepared key carries the file-name string its entry shares, so its hit compares that string by reference (the
/// entry keeps its name and its directory's node, not the key's path). These tests check that the same reference is
/// only ever the same path: same names in other directories, directories renamed and made again, invalidations,
/// keys made before and after the load, case-insensitive projects, and keys rebuilt from entries and files.
/// </summary>
[Collection(Invalidation.WatcherTestGroup.Name)]
public sealed class PreparedKeyNameTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static DefaultFileCache Create(string root, bool ignoreCase = false, ValidationMode mode = ValidationMode.None)
    {
        var options = new FileCacheOptions { MaxBytes = 1L << 30, Memory = { AdaptToPressure = false } };
        options.Invalidation.Mode = mode;
        options.AddProject("p", root, p => p.IgnoreCase = ignoreCase);
        return new DefaultFileCache(options, TimeProvider.System);
    }

    private static CacheEntry EntryOf(DefaultFileCache cache, FileKey key)
    {
        Assert.True(cache.PartitionFor(key.Project).Map.TryGetValue(key, out var entry));
        return entry;
    }

    [Fact]
    public async Task KeyMadeBeforeTheLoad_ItsEntrySharesItsName_AndHitsByIt()
    {
        using var dir = new TestDirectory();
        dir.Write("src/a/x.cs", "first");
        using var cache = Create(dir.Root);
        var key = cache.CreateKey("p", "src/a/x.cs");

        var read = await cache.ReadAsync(key);

        Assert.True(key.Name.Same(EntryOf(cache, key).Name));
        Assert.True(cache.TryGet(key, out CachedFile? hit));
        Assert.Same(read, hit);
        Assert.True(key.Name.Same(read.Key.Name));
        Assert.Equal(key, read.Key);
    }

    [Fact]
    public async Task SameNameInOtherDirectories_EachKeyHitsItsOwnFile()
    {
        using var dir = new TestDirectory();
        string[] paths = ["x.cs", "a/x.cs", "b/x.cs", "a/b/x.cs", "b/a/x.cs"];
        foreach (string path in paths)
        {
            dir.Write(path, "content of " + path);
        }

        using var cache = Create(dir.Root);
        var before = paths.Select(p => cache.CreateKey("p", p)).ToArray();
        foreach (var key in before)
        {
            await cache.ReadAsync(key);
        }

        // Keys made before the loads, made after them, rebuilt from the files, and keys the cache makes from paths.
        var after = paths.Select(p => cache.CreateKey("p", new string(p.AsSpan()))).ToArray();
        for (int i = 0; i < paths.Length; i++)
        {
            Assert.True(cache.TryGet(before[i], out CachedFile? a));
            Assert.True(cache.TryGet(after[i], out CachedFile? b));
            Assert.True(cache.TryGet(a!.Key, out CachedFile? c));
            Assert.True(cache.TryGet("p", paths[i], out CachedFile? d));
            foreach (var file in new[] { a, b, c, d })
            {
                Assert.Equal("content of " + paths[i], System.Text.Encoding.UTF8.GetString(file!.Content.Span));
            }

            Assert.True(before[i].Name.Same(after[i].Name));
        }

        // Distinct name strings for distinct paths, though the names read alike.
        Assert.All(before, (k, i) => Assert.All(before.Skip(i + 1), o => Assert.False(k.Name.Same(o.Name))));
    }

    [Fact]
    public async Task DirectoryRenamedAndMadeAgain_OldKeysReadTheNewFiles_NeverTheMovedOnes()
    {
        using var dir = new TestDirectory();
        dir.Write("d/x.cs", "before the rename");
        using var cache = Create(dir.Root, mode: ValidationMode.Watch);
        var key = cache.CreateKey("p", "d/x.cs");
        await cache.ReadAsync(key);
        var nameBefore = EntryOf(cache, key).Name;

        Directory.Move(Path.Combine(dir.Root, "d"), Path.Combine(dir.Root, "e"));
        dir.Write("d/x.cs", "made again");
        await cache.SynchronizeAsync("p").WaitAsync(Wait);

        var moved = await cache.ReadAsync("p", "e/x.cs");
        var again = await cache.ReadAsync(key);
        Assert.Equal("made again", System.Text.Encoding.UTF8.GetString(again.Content.Span));
        Assert.Equal("before the rename", System.Text.Encoding.UTF8.GetString(moved.Content.Span));
        Assert.True(cache.TryGet(key, out CachedFile? hit));
        Assert.Equal("made again", System.Text.Encoding.UTF8.GetString(hit!.Content.Span));
        Assert.False(nameBefore.Same(EntryOf(cache, moved.Key).Name));
        Assert.Equal(Path.GetFullPath(Path.Combine(dir.Root, "e/x.cs")).Replace('\\', '/'), moved.FullPath.Replace('\\', '/'));
    }

    [Fact]
    public async Task Invalidated_ThenLoadedAgain_TheKeyStillHitsTheNewBytes()
    {
        using var dir = new TestDirectory();
        dir.Write("src/x.cs", "one");
        using var cache = Create(dir.Root);
        var key = cache.CreateKey("p", "src/x.cs");
        await cache.ReadAsync(key);

        dir.Write("src/x.cs", "two");
        await cache.InvalidateAsync(InvalidationRequest.ForKey(key));
        Assert.False(cache.TryGet(key, out CachedFile? _));
        await cache.ReadAsync("p", "src/x.cs");

        Assert.True(cache.TryGet(key, out CachedFile? hit));
        Assert.Equal("two", System.Text.Encoding.UTF8.GetString(hit!.Content.Span));
    }

    [Fact]
    public async Task CaseInsensitiveProject_KeysOfAnyCaseHitOneEntry_TheNameKeepsItsLoadersCase()
    {
        // A case-insensitive project cannot have a root on this file system; a source of its own stands for one.
        var source = new Sources.InMemoryFileSource().Write("Src/Name.cs", "text");
        var options = new FileCacheOptions { MaxBytes = 1L << 30, Memory = { AdaptToPressure = false } };
        options.AddProject("p", null, p => { p.Source = source; p.IgnoreCase = true; });
        using var cache = new DefaultFileCache(options, TimeProvider.System);
        var upper = cache.CreateKey("p", "Src/Name.cs");
        await cache.ReadAsync(upper);

        var lower = cache.CreateKey("p", "src/name.cs");
        var same = cache.CreateKey("p", "SRC/Name.cs");

        // Another case of the name gets a string of its own (a key's name is always its path's last segment); the
        // same name's characters get the entry's, whatever the directory's case.
        Assert.Equal("name.cs", lower.Name.ToString());
        Assert.False(EntryOf(cache, upper).Name.Same(lower.Name));
        Assert.True(EntryOf(cache, upper).Name.Same(same.Name));
        foreach (var key in new[] { upper, lower, same })
        {
            Assert.True(cache.TryGet(key, out CachedFile? hit));
            Assert.Equal("text", System.Text.Encoding.UTF8.GetString(hit!.Content.Span));
        }

        Assert.Equal(1, cache.GetStatistics().Total.Entries);
    }

    [Fact]
    public void KeyMadeFromAVariant_KeepsTheName_AndHitsItsOwnValue()
    {
        using var cache = Create(root: Directory.GetCurrentDirectory());
        var file = cache.CreateKey("p", "src/model.cs");
        var ast = file.WithVariant("ast");
        Assert.True(file.Name.Same(ast.Name));

        Assert.True(cache.Set(ast, "tree"));
        Assert.True(cache.Set(file, "bytes"));
        Assert.True(cache.TryGet(ast, out string? tree));
        Assert.True(cache.TryGet(file, out string? bytes));
        Assert.Equal("tree", tree);
        Assert.Equal("bytes", bytes);
    }
}
