using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.Keys;

/// <summary>
/// Path normalization as callers see it, through CreateKey, ReadAsync, TryGet and Remove. Projects: "p"
/// (case-sensitive, rooted at a temp directory), "ci" (case-insensitive, no root: a case-insensitive project cannot
/// have a root on a case-sensitive file system, see CaseSensitivityTests) and "mem" (no root).
/// </summary>
public sealed class PathNormalizationTests : IDisposable
{
    private readonly TestDirectory _dir = new();
    private readonly FakeTimeProvider _time = new();
    private readonly IFileCache _cache;

    public PathNormalizationTests()
    {
        var options = new FileCacheOptions()
            .AddProject("p", _dir.Root)
            .AddProject("ci", null, p => p.IgnoreCase = true)
            .AddProject("mem", null);
        _cache = FileCacheFactory.Create(options, _time);
    }

    public void Dispose()
    {
        _cache.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData("src\\a.cs")]
    [InlineData("src/./a.cs")]
    [InlineData("./src/a.cs")]
    [InlineData(".\\src\\.\\a.cs")]
    [InlineData("src/x/../a.cs")]
    [InlineData("src\\x\\..\\a.cs")]
    [InlineData("src/x/y/../../a.cs")]
    [InlineData("other/../src/a.cs")]
    [InlineData("src//a.cs")]
    [InlineData("src\\\\a.cs")]
    [InlineData("src/\\/a.cs")]
    [InlineData("src/a.cs/")]
    [InlineData("src\\a.cs\\")]
    [InlineData("src/a.cs//")]
    [InlineData("src/a.cs/.")]
    [InlineData("src/a.cs/x/..")]
    public void CreateKey_NonCanonicalPath_NormalizesToSlashSeparatedRelativePath(string input)
    {
        foreach (string project in new[] { "p", "ci", "mem" })
        {
            var key = _cache.CreateKey(project, input);

            Assert.Equal("src/a.cs", key.Path);
            Assert.Equal(_cache.CreateKey(project, "src/a.cs"), key);
            Assert.Equal(_cache.CreateKey(project, "src/a.cs").GetHashCode(), key.GetHashCode());
        }
    }

    [Theory]
    [InlineData("a.cs")]
    [InlineData("src/a.cs")]
    [InlineData("deep/er/still/a.b.c")]
    [InlineData("...")]
    [InlineData(".hidden/..x/x..")]
    public void CreateKey_CanonicalPath_ReturnsSameStringInstance(string literal)
    {
        // A fresh instance, so that the check cannot pass through string interning.
        string path = new(literal.AsSpan());

        foreach (string project in new[] { "p", "ci", "mem" })
        {
            Assert.Same(path, _cache.CreateKey(project, path).Path);
        }
    }

    [Fact]
    public void CreateKey_NonCanonicalPath_ReturnsNewNormalizedInstance()
    {
        string path = new("src\\a.cs".AsSpan());

        var key = _cache.CreateKey("p", path);

        Assert.NotSame(path, key.Path);
        Assert.Equal("src/a.cs", key.Path);
    }

    [Fact]
    public void CreateKey_CanonicalPathOfACachedFile_AllocatesNothing()
    {
        string path = new("src/dir/a.cs".AsSpan());
        Assert.True(_cache.Set(_cache.CreateKey("p", path), "file"));
        Assert.True(_cache.Set(_cache.CreateKey("ci", path), "file"));
        Assert.True(_cache.Set(_cache.CreateKey("p", path, "ast"), "model"));
        var key = _cache.CreateKey("p", path); // warm-up: JIT, statics
        key = _cache.CreateKey("ci", path);
        key = _cache.CreateKey("p", path, "ast");

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++)
        {
            key = _cache.CreateKey("p", path);
            key = _cache.CreateKey("ci", path);
            key = _cache.CreateKey("p", path, "ast");
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Same(path, key.Path);
    }

    [Fact]
    public void CreateKey_PathNotCachedYet_AllocatesOnlyTheNameItsEntryThenShares()
    {
        string path = new("src/dir/b.cs".AsSpan());
        _ = _cache.CreateKey("p", path); // warm-up: JIT, statics

        long before = GC.GetAllocatedBytesForCurrentThread();
        var key = _cache.CreateKey("p", path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // The file name ("b.cs", as its 4 ASCII bytes in a 32-byte array), once: the load of this key does not make it again.
        Assert.Equal(32, allocated);
        Assert.Equal(32, key.Name.HeapBytes);
        Assert.Equal("b.cs", key.Name.ToString());
        Assert.True(_cache.Set(key, "value"));
        Assert.True(((FileCache.Storage.DefaultFileCache)_cache).PartitionFor("p").Map.TryGetValue(key, out var entry));
        Assert.True(key.Name.Same(entry.Name));

        // A key made now is given the entry's name; one made from the root's path is that path.
        Assert.True(entry.Name.Same(_cache.CreateKey("p", new string(path.AsSpan())).Name));
        string atRoot = new("c.cs".AsSpan());
        Assert.True(FileCache.Storage.FileName.Of(atRoot).Same(_cache.CreateKey("p", atRoot).Name));
    }

    [Fact]
    public void TryGet_ByCanonicalPathOnHit_AllocatesNothing()
    {
        string path = new("src/dir/a.cs".AsSpan());
        var key = _cache.CreateKey("mem", path);
        Assert.True(_cache.Set(key, "value"));
        Assert.True(_cache.TryGet<string>("mem", path, out _)); // warm-up
        Assert.True(_cache.TryGet<string>(key, out _));

        int hits = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++)
        {
            if (_cache.TryGet<string>("mem", path, out _))
            {
                hits++;
            }

            if (_cache.TryGet<string>(key, out _))
            {
                hits++;
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(2_000, hits);
    }

    [Fact]
    public async Task ReadAsync_NonCanonicalSpellings_ShareOneEntry()
    {
        _dir.Write("src/a.cs", "class A {}");

        var first = await _cache.ReadAsync("p", "src\\x\\..\\a.cs");
        var second = await _cache.ReadAsync("p", "./src//a.cs/");
        var third = await _cache.ReadAsync("p", "src/a.cs");

        Assert.Same(first, second);
        Assert.Same(first, third);
        Assert.Equal("src/a.cs", first.Key.Path);
        Assert.Equal(Path.Join(_dir.Root, "src/a.cs"), first.FullPath);
        Assert.Equal("class A {}", System.Text.Encoding.UTF8.GetString(first.Content.Span));
        var stats = _cache.GetStatistics().Projects["p"];
        Assert.Equal(1, stats.Loads);
        Assert.Equal(2, stats.Hits);
        Assert.Equal(1, stats.Entries);
    }

    [Fact]
    public void TryGetAndRemove_NonCanonicalPath_FindTheValueStoredUnderTheCanonicalKey()
    {
        Assert.True(_cache.Set(_cache.CreateKey("mem", "x/z.txt"), "value"));

        Assert.True(_cache.TryGet<string>("mem", "x\\y/../z.txt", out var found));
        Assert.Equal("value", found);
        Assert.True(_cache.TryGet<string>("mem", "./x//z.txt/", out _));
        Assert.True(_cache.Remove("mem", ".\\x\\\\z.txt"));
        Assert.False(_cache.TryGet<string>("mem", "x/z.txt", out _));
    }

    [Theory]
    [InlineData("/src/a.cs")]
    [InlineData("/src/../src/./a.cs")]
    [InlineData("//src//a.cs//")]
    [InlineData("\\src\\a.cs")]
    [InlineData("/src/x/../a.cs/")]
    public void CreateKey_AbsolutePathInsideRoot_IsMadeRelative(string suffix)
    {
        string absolute = _dir.Root + suffix;

        var key = _cache.CreateKey("p", absolute);

        Assert.Equal("src/a.cs", key.Path);
        Assert.Equal(_cache.CreateKey("p", "src/a.cs"), key);
    }

    [Fact]
    public void CreateKey_AbsolutePathWithBackslashRoot_IsMadeRelative()
    {
        string absolute = _dir.Root.Replace('/', '\\') + "\\src\\a.cs";

        Assert.Equal("src/a.cs", _cache.CreateKey("p", absolute).Path);
    }

    [Fact]
    public async Task ReadAsync_AbsolutePathInsideRoot_ReadsAndCachesUnderRelativeKey()
    {
        string full = _dir.Write("src/a.cs", "abc");

        var file = await _cache.ReadAsync("p", full);

        Assert.Equal("src/a.cs", file.Key.Path);
        Assert.Equal(3, file.Length);
        Assert.True(_cache.TryGet<CachedFile>("p", "src/a.cs", out var cached));
        Assert.Same(file, cached);
        Assert.True(_cache.TryGet<CachedFile>("p", full, out _));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../a.cs")]
    [InlineData("..\\a.cs")]
    [InlineData("src/../../a.cs")]
    [InlineData("src\\..\\..\\a.cs")]
    [InlineData("a/b/../../../c")]
    [InlineData("./../a.cs")]
    [InlineData("src/../../p/src/a.cs")]
    public void CreateKey_DotDotEscapingRoot_ThrowsArgumentExceptionForPath(string input)
    {
        foreach (string project in new[] { "p", "ci", "mem" })
        {
            var ex = Assert.Throws<ArgumentException>("path", () => _cache.CreateKey(project, input));
            Assert.Contains("escapes", ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("..")]
    [InlineData("src/../../a.cs")]
    public async Task ReadAsyncTryGetRemove_DotDotEscapingRoot_ThrowArgumentExceptionForPath(string input)
    {
        // The check is lexical and comes before any disk access: nothing is loaded.
        await Assert.ThrowsAsync<ArgumentException>("path", () => _cache.ReadAsync("p", input).AsTask());
        Assert.Throws<ArgumentException>("path", () => _cache.TryGet<CachedFile>("p", input, out _));
        Assert.Throws<ArgumentException>("path", () => _cache.Remove("p", input));
        Assert.Equal(0, _cache.GetStatistics().Total.Loads);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("./")]
    [InlineData("a/..")]
    [InlineData("a\\b\\..\\..")]
    [InlineData("//")]
    public void CreateKey_PathNamingTheRootItself_ThrowsArgumentExceptionForPath(string input)
    {
        Assert.Throws<ArgumentException>("path", () => _cache.CreateKey("p", input));
    }

    [Fact]
    public void CreateKey_AbsolutePathOutsideRoot_ThrowsArgumentExceptionForPath()
    {
        string parent = Path.GetDirectoryName(_dir.Root)!;
        string[] outside =
        [
            "/etc/passwd",
            parent + "/other/a.cs",
            _dir.Root + "x/a.cs",            // a sibling whose name starts with the root's name
            _dir.Root + "/../x/a.cs",        // climbs out with ..
            _dir.Root + "/src/../../a.cs",
            _dir.Root,                       // the root itself is not a file
            _dir.Root + "/",
            "C:/src/a.cs",
        ];

        foreach (string path in outside)
        {
            var ex = Assert.Throws<ArgumentException>("path", () => _cache.CreateKey("p", path));
            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("/a.cs")]
    [InlineData("/src/a.cs")]
    [InlineData("\\src\\a.cs")]
    [InlineData("C:\\src\\a.cs")]
    [InlineData("c:/a.cs")]
    public void CreateKey_AbsolutePathInProjectWithoutRoot_ThrowsArgumentExceptionForPath(string input)
    {
        var ex = Assert.Throws<ArgumentException>("path", () => _cache.CreateKey("mem", input));
        Assert.Contains("no root", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>("path", () => _cache.TryGet<string>("mem", input, out _));
    }

    [Fact]
    public void CreateKey_IgnoreCaseProject_DifferentCasingsAreEqual()
    {
        var upper = _cache.CreateKey("ci", "Src/A.cs");
        var lower = _cache.CreateKey("ci", "src/a.cs");

        Assert.Equal(upper, lower);
        Assert.True(upper == lower);
        Assert.Equal(upper.GetHashCode(), lower.GetHashCode());
        Assert.True(upper.IgnoreCase);
        Assert.Equal("Src/A.cs", upper.Path); // compared without case, not rewritten
    }

    [Fact]
    public void TryGet_IgnoreCaseProject_FindsValueByOtherCasing()
    {
        Assert.True(_cache.Set(_cache.CreateKey("ci", "Src/A.cs"), "value"));

        Assert.True(_cache.TryGet<string>("ci", "src/a.cs", out var byPath));
        Assert.Equal("value", byPath);
        Assert.True(_cache.TryGet<string>(_cache.CreateKey("ci", "SRC\\a.CS"), out _));
        Assert.True(_cache.Remove("ci", "sRc/A.Cs"));
        Assert.Equal(0, _cache.GetStatistics().Projects["ci"].Entries);
    }

    [Fact]
    public void Normalize_IgnoreCase_AbsolutePathWithOtherCasingOfRootIsAccepted()
    {
        string absolute = _dir.Root.ToUpperInvariant() + "/Src/A.cs";

        Assert.Equal("Src/A.cs", FileCache.Keys.PathNormalizer.Normalize(absolute, _dir.Root, ignoreCase: true, "path"));
        Assert.Throws<ArgumentException>("path", () => _cache.CreateKey("p", absolute));
    }

    [Fact]
    public void CreateKey_CaseSensitiveProject_DifferentCasingsDiffer()
    {
        var upper = _cache.CreateKey("p", "Src/A.cs");
        var lower = _cache.CreateKey("p", "src/a.cs");

        Assert.NotEqual(upper, lower);
        Assert.True(upper != lower);
        Assert.False(upper.IgnoreCase);

        Assert.True(_cache.Set(upper, "upper"));
        Assert.False(_cache.TryGet<string>("p", "src/a.cs", out _));
        Assert.True(_cache.Set(lower, "lower"));
        Assert.True(_cache.TryGet<string>(upper, out var u));
        Assert.Equal("upper", u);
        Assert.Equal(2, _cache.GetStatistics().Projects["p"].Entries);
    }

    [Fact]
    public void CreateKey_SamePathInDifferentProjects_KeysDiffer()
    {
        Assert.NotEqual(_cache.CreateKey("p", "a.cs"), _cache.CreateKey("ci", "a.cs"));
        Assert.NotEqual(_cache.CreateKey("p", "a.cs"), _cache.CreateKey("mem", "a.cs"));
    }

    [Fact]
    public void CreateKey_WithVariant_DiffersFromFileKey()
    {
        var file = _cache.CreateKey("p", "src/a.cs");
        var ast = _cache.CreateKey("p", "src/a.cs", "ast");

        Assert.NotEqual(file, ast);
        Assert.Null(file.Variant);
        Assert.Equal("ast", ast.Variant);
        Assert.Equal(file.Path, ast.Path);
        Assert.NotEqual(ast, _cache.CreateKey("p", "src/a.cs", "tokens"));
        Assert.Equal("p:src/a.cs", file.ToString());
        Assert.Equal("p:src/a.cs#ast", ast.ToString());
    }

    [Fact]
    public void WithVariant_EqualsKeyCreatedWithVariant()
    {
        var file = _cache.CreateKey("ci", "src\\A.cs");

        var ast = file.WithVariant("ast");

        Assert.Equal(_cache.CreateKey("ci", "src/a.cs", "ast"), ast);
        Assert.Equal(_cache.CreateKey("ci", "src/a.cs", "ast").GetHashCode(), ast.GetHashCode());
        Assert.Same(file.Path, ast.Path);
        Assert.Equal("ci", ast.Project);
        Assert.True(ast.IgnoreCase);
        Assert.Equal(file, ast.WithVariant(null));
        Assert.Equal(ast, _cache.CreateKey("ci", "src/a.cs", "tokens").WithVariant("ast"));
    }

    [Fact]
    public void Set_VariantAndFileKeys_HoldSeparateValues()
    {
        var file = _cache.CreateKey("mem", "a.cs");
        var ast = file.WithVariant("ast");

        Assert.True(_cache.Set(ast, "tree"));
        Assert.False(_cache.TryGet<string>(file, out _));
        Assert.False(_cache.TryGet<string>("mem", "a.cs", out _));

        Assert.True(_cache.Set(file, "bytes"));
        Assert.True(_cache.TryGet<string>(ast, out var tree));
        Assert.Equal("tree", tree);
        Assert.True(_cache.TryGet<string>(file, out var bytes));
        Assert.Equal("bytes", bytes);

        Assert.True(_cache.Remove(file));
        Assert.True(_cache.TryGet<string>(ast, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a\0b")]
    [InlineData("\0")]
    public void WithVariant_InvalidVariant_ThrowsArgumentExceptionForVariant(string badVariant)
    {
        var file = _cache.CreateKey("p", "a.cs");

        Assert.Throws<ArgumentException>("variant", () => file.WithVariant(badVariant));
    }
}
