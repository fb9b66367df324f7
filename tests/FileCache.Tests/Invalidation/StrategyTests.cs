using FileCache.Invalidation;
using Microsoft.Extensions.DependencyInjection;
using static FileCache.Tests.Invalidation.InvalidationFixture;

namespace FileCache.Tests.Invalidation;

public sealed class StrategyTests
{
    [Fact]
    public void Invalidate_Key_RemovesOnlyThatKey()
    {
        using var cache = Create();
        var a = Put(cache, "src/a.cs");
        var b = Put(cache, "src/b.cs");

        var result = cache.Invalidate(InvalidationRequest.ForKey(a));

        Assert.Equal(1, result.Invalidated);
        Assert.False(Has(cache, a));
        Assert.True(Has(cache, b));
        Assert.Equal(1, cache.GetStatistics().Invalidation!.GetCount(InvalidationCause.Explicit));
    }

    [Fact]
    public void Invalidate_Directory_RemovesSubtreeAndVariants_NotSiblingsSharingAPrefix()
    {
        using var cache = Create();
        var inside = Put(cache, "src/app/a.cs");
        var deep = Put(cache, "src/app/x/y/z.cs");
        var variant = Put(cache, "src/app/a.cs", "ast");
        var sibling = Put(cache, "src/application/b.cs");
        var outside = Put(cache, "test/c.cs");

        var result = cache.Invalidate(InvalidationRequest.ForDirectory("p", "src/app"));

        Assert.Equal(3, result.Invalidated);
        Assert.False(Has(cache, inside));
        Assert.False(Has(cache, deep));
        Assert.False(Has(cache, variant));
        Assert.True(Has(cache, sibling));
        Assert.True(Has(cache, outside));
    }

    [Fact]
    public void Invalidate_DirectoryNamingAFile_RemovesTheFileAndItsVariantsOnly()
    {
        using var cache = Create();
        var file = Put(cache, "src/a.cs");
        var variant = Put(cache, "src/a.cs", "ast");
        var sibling = Put(cache, "src/a.csx");
        var nested = Put(cache, "src/a.cs/inner");

        Assert.Equal(3, cache.Invalidate(InvalidationRequest.ForDirectory("p", "src/a.cs")).Invalidated);
        Assert.False(Has(cache, file));
        Assert.False(Has(cache, variant));
        Assert.False(Has(cache, nested));
        Assert.True(Has(cache, sibling));
    }

    [Fact]
    public void Invalidate_InACaseInsensitiveProject_IgnoresCase()
    {
        var options = new FileCacheOptions();
        options.Invalidation.Mode = ValidationMode.None;
        options.AddProject("p", null, o => o.IgnoreCase = true);
        using var cache = FileCacheFactory.Create(options);
        var a = Put(cache, "Src/App/A.cs");
        var b = Put(cache, "src/app/B.cs");
        var c = Put(cache, "SRC/other.cs");

        Assert.Equal(2, cache.Invalidate(InvalidationRequest.ForDirectory("p", "SRC/APP")).Invalidated);
        Assert.Equal(1, cache.Invalidate(InvalidationRequest.ForGlob("p", "src/*.CS")).Invalidated);
        Assert.False(Has(cache, a));
        Assert.False(Has(cache, b));
        Assert.False(Has(cache, c));
    }

    [Fact]
    public void Invalidate_DirectoryWithUnnormalizedPath_IsNormalizedFirst()
    {
        using var cache = Create();
        var key = Put(cache, "src/app/a.cs");

        Assert.Equal(1, cache.Invalidate(InvalidationRequest.ForDirectory("p", "./src\\app/")).Invalidated);
        Assert.False(Has(cache, key));
    }

    [Fact]
    public void Invalidate_EmptyDirectory_RemovesWholeProjectOnly()
    {
        using var cache = Create(projects: ["p", "q"]);
        var a = Put(cache, "a");
        var q = Put(cache, "a", project: "q");

        Assert.Equal(1, cache.Invalidate(InvalidationRequest.ForDirectory("p", string.Empty)).Invalidated);
        Assert.False(Has(cache, a));
        Assert.True(Has(cache, q));
    }

    [Fact]
    public void Invalidate_Glob_RemovesMatchingPathsOnly()
    {
        using var cache = Create();
        var cs1 = Put(cache, "src/a.cs");
        var cs2 = Put(cache, "src/deep/er/b.cs");
        var txt = Put(cache, "src/notes.txt");
        var otherCs = Put(cache, "lib/c.cs");

        var result = cache.Invalidate(InvalidationRequest.ForGlob("p", "src/**/*.cs"));

        Assert.Equal(2, result.Invalidated);
        Assert.False(Has(cache, cs1));
        Assert.False(Has(cache, cs2));
        Assert.True(Has(cache, txt));
        Assert.True(Has(cache, otherCs));
    }

    [Fact]
    public void Invalidate_GlobStartingWithWildcard_SearchesWholeProject()
    {
        using var cache = Create();
        var a = Put(cache, "a/x.json");
        var b = Put(cache, "b/c/y.json");
        var c = Put(cache, "b/c/y.yaml");

        Assert.Equal(2, cache.Invalidate(InvalidationRequest.ForGlob("p", "**/*.json")).Invalidated);
        Assert.False(Has(cache, a));
        Assert.False(Has(cache, b));
        Assert.True(Has(cache, c));
    }

    [Theory]
    [InlineData("src/**/*.cs", "src")]
    [InlineData("**/*.cs", "")]
    [InlineData("src/app/*.cs", "src/app")]
    [InlineData("src/a?p/x.cs", "src")]
    [InlineData("/src/x.cs", "src")]
    public void GlobSplit_TakesLiteralDirectoryPrefix(string glob, string prefix) =>
        Assert.Equal(prefix, GlobStrategy.Split(glob).Prefix);

    [Fact]
    public void Invalidate_Project_RemovesEveryEntryOfThatProject()
    {
        using var cache = Create(projects: ["p", "q"]);
        Put(cache, "a");
        Put(cache, "b/c");
        var q = Put(cache, "a", project: "q");

        Assert.Equal(2, cache.Invalidate(InvalidationRequest.ForProject("p")).Invalidated);
        Assert.Equal(0, cache.GetStatistics().Projects["p"].Entries);
        Assert.True(Has(cache, q));
    }

    [Fact]
    public void Invalidate_Tag_RemovesTaggedEntriesInEveryProject()
    {
        using var cache = Create(projects: ["p", "q"]);
        var tagged = new FileCacheEntryOptions { Size = 10, Tags = ["config"] };
        var a = Put(cache, "a", options: tagged);
        var b = Put(cache, "b", options: tagged, project: "q");
        var c = Put(cache, "c", options: new FileCacheEntryOptions { Size = 10, Tags = ["other"] });

        Assert.Equal(2, cache.Invalidate(InvalidationRequest.ForTag("config")).Invalidated);
        Assert.False(Has(cache, a));
        Assert.False(Has(cache, b));
        Assert.True(Has(cache, c));
        Assert.Equal(1, cache.IndexSizes("p").Tags);
    }

    [Fact]
    public void Invalidate_OlderThan_RemovesFileEntriesWrittenBeforeTheBound()
    {
        using var cache = Create();
        var bound = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var old = cache.CreateKey("p", "old.txt");
        var fresh = cache.CreateKey("p", "new.txt");
        cache.Set(old, new CachedFile(old, "/x/old.txt", new byte[3], new FileVersion(3, bound.AddDays(-1)), bound));
        cache.Set(fresh, new CachedFile(fresh, "/x/new.txt", new byte[3], new FileVersion(3, bound.AddDays(1)), bound));

        Assert.Equal(1, cache.Invalidate(InvalidationRequest.OlderThan("p", bound)).Invalidated);
        Assert.False(cache.TryGet(old, out CachedFile? _));
        Assert.True(cache.TryGet(fresh, out CachedFile? _));
    }

    [Fact]
    public void Invalidate_Custom_IsExpandedByARegisteredStrategy()
    {
        using var cache = Create(strategies: [new ExtensionStrategy()]);
        var md = Put(cache, "docs/a.md");
        var cs = Put(cache, "docs/b.cs");

        Assert.Equal(1, cache.Invalidate(InvalidationRequest.Custom("extension", "p", ".md")).Invalidated);
        Assert.False(Has(cache, md));
        Assert.True(Has(cache, cs));
    }

    [Fact]
    public void Invalidate_CustomWithoutStrategy_ThrowsArgumentException()
    {
        using var cache = Create();
        var ex = Assert.Throws<ArgumentException>(() => cache.Invalidate(InvalidationRequest.Custom("nobody")));
        Assert.Equal("request", ex.ParamName);
    }

    [Fact]
    public void Invalidate_BadRequests_ThrowNamingTheArgument()
    {
        using var cache = Create();
        Assert.Throws<ArgumentNullException>("request", () => cache.Invalidate(null!));
        Assert.Throws<ArgumentException>("request", () => cache.Invalidate(InvalidationRequest.ForProject("nope")));
        Assert.Throws<ArgumentException>("request", () => cache.Invalidate(InvalidationRequest.ForDirectory("p", "../outside")));
        Assert.Throws<ArgumentException>("key", () => InvalidationRequest.ForKey(default));
        Assert.Throws<ArgumentException>("pattern", () => InvalidationRequest.ForGlob("p", string.Empty));
        Assert.Throws<ArgumentNullException>("tag", () => InvalidationRequest.ForTag(null!));
    }

    [Fact]
    public void AddInvalidationStrategy_ThroughTheBuilder_IsAskedBeforeBuiltIns()
    {
        var services = new ServiceCollection();
        services.AddFileCache(o =>
        {
            o.Invalidation.Mode = ValidationMode.None;
            o.AddProject("p", null);
        }).AddInvalidationStrategy<NothingForDirectories>();
        using var provider = services.BuildServiceProvider();
        var cache = provider.GetRequiredService<IFileCache>();
        var key = Put(cache, "src/a");

        Assert.Equal(0, cache.Invalidate(InvalidationRequest.ForDirectory("p", "src")).Invalidated);
        Assert.True(Has(cache, key));
    }

    [Fact]
    public void FileCacheFactory_WithStrategiesAndHooks_UsesThemWithoutDI()
    {
        var options = new FileCacheOptions();
        options.Invalidation.Mode = ValidationMode.None;
        options.AddProject("p", null);
        var hook = new HookTests.CountingHook();
        using var cache = FileCacheFactory.Create(options, [new NothingForDirectories()], [hook]);
        var key = Put(cache, "src/a");

        Assert.Equal(0, cache.Invalidate(InvalidationRequest.ForDirectory("p", "src")).Invalidated);
        Assert.True(Has(cache, key));
        Assert.Equal(1, cache.Invalidate(InvalidationRequest.ForKey(key)).Invalidated);
        Assert.Equal(2, hook.Before);
        Assert.Equal(2, hook.After);

        options.Invalidation.StormThreshold = 0;
        Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => FileCacheFactory.Create(options, null, null));
    }

    /// <summary>Custom request "extension": every key of the project whose path ends with the argument.</summary>
    private sealed class ExtensionStrategy : IInvalidationStrategy
    {
        public bool CanExpand(InvalidationRequest request) => request is CustomInvalidation { Name: "extension" };

        public void Expand(InvalidationRequest request, IInvalidationScope scope, ICollection<FileKey> keys)
        {
            var custom = (CustomInvalidation)request;
            foreach (var key in scope.KeysUnder(custom.Project!, string.Empty))
            {
                if (key.Path.EndsWith(custom.Argument!, StringComparison.Ordinal))
                {
                    keys.Add(key);
                }
            }
        }

        public bool Matches(InvalidationRequest request, in FileKey key) => key.Path.EndsWith(((CustomInvalidation)request).Argument!, StringComparison.Ordinal);
    }

    /// <summary>Replaces the built-in directory strategy with one that invalidates nothing.</summary>
    private sealed class NothingForDirectories : IInvalidationStrategy
    {
        public bool CanExpand(InvalidationRequest request) => request is DirectoryInvalidation;

        public void Expand(InvalidationRequest request, IInvalidationScope scope, ICollection<FileKey> keys)
        {
        }

        public bool Matches(InvalidationRequest request, in FileKey key) => false;
    }
}
