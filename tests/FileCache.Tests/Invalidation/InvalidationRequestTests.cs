using System.Reflection;
using FileCache.Invalidation;
using static FileCache.Tests.Invalidation.InvalidationFixture;

namespace FileCache.Tests.Invalidation;

/// <summary>The typed requests: one sealed type per shape, each carrying only its own fields.</summary>
public sealed class InvalidationRequestTests
{
    [Fact]
    public void Factories_ReturnOneTypePerShape_WithTheirFields()
    {
        using var cache = Create();
        var key = Put(cache, "src/a.cs");
        var bound = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

        var byKey = InvalidationRequest.ForKey(key);
        Assert.Equal(key, byKey.Key);
        Assert.Equal("p", byKey.Project);

        var directory = InvalidationRequest.ForDirectory("p", "src");
        Assert.Equal(("p", "src"), (directory.Project, directory.Directory));

        var glob = InvalidationRequest.ForGlob("p", "**/*.cs");
        Assert.Equal(("p", "**/*.cs"), (glob.Project, glob.Pattern));

        Assert.Equal("p", InvalidationRequest.ForProject("p").Project);

        var tag = InvalidationRequest.ForTag("config");
        Assert.Equal("config", tag.Tag);
        Assert.Null(((InvalidationRequest)tag).Project);

        var older = InvalidationRequest.OlderThan("p", bound);
        Assert.Equal(("p", bound), (older.Project, older.LastWriteTimeUtc));

        Assert.Null(InvalidationRequest.ForAll().Project);

        var custom = InvalidationRequest.Custom("extension", null, ".cs");
        Assert.Equal(("extension", null, ".cs"), (custom.Name, custom.Project, custom.Argument));
    }

    [Fact]
    public void Shapes_AreClosed_NoPublicOrProtectedConstructorAndEveryShapeSealed()
    {
        // A caller cannot add a shape the cache does not know: the base's only constructor is private protected,
        // and the shapes cannot be derived from or constructed outside the assembly.
        var baseType = typeof(InvalidationRequest);
        var constructors = baseType.GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        Assert.All(constructors, c => Assert.True(c.IsFamilyAndAssembly, c.ToString()));

        var shapes = baseType.Assembly.GetExportedTypes().Where(t => t.IsSubclassOf(baseType)).ToList();
        Assert.Equal(8, shapes.Count);
        Assert.All(shapes, t => Assert.True(t.IsSealed, t.Name));
        Assert.All(shapes, t => Assert.Empty(t.GetConstructors()));
    }

    [Fact]
    public void AsSoft_KeepsTheShapeAndItsFields()
    {
        var hard = InvalidationRequest.ForGlob("p", "src/**/*.cs");

        var soft = Assert.IsType<GlobInvalidation>(hard.AsSoft());

        Assert.True(soft.IsSoft);
        Assert.False(hard.IsSoft);
        Assert.Equal(("p", "src/**/*.cs"), (soft.Project, soft.Pattern));
    }

    [Fact]
    public void Invalidate_DirectoryNotNormalized_HooksSeeTheNormalizedPathAndTheSameFlags()
    {
        var seen = new List<InvalidationRequest>();
        using var cache = Create(hooks: [new Recorder(seen)]);
        var inside = Put(cache, "src/app/a.cs");
        var outside = Put(cache, "src/other.cs");

        var result = cache.Invalidate(InvalidationRequest.ForDirectory("p", "./src\\app/").AsSoft());

        var request = Assert.IsType<DirectoryInvalidation>(Assert.Single(seen));
        Assert.Equal("src/app", request.Directory);
        Assert.True(request.IsSoft);
        Assert.Equal(1, result.Invalidated);
        Assert.False(Has(cache, inside)); // a value stored with Set cannot be refreshed, so soft removes it
        Assert.True(Has(cache, outside));
    }

    [Fact]
    public void Invalidate_Tag_HooksSeeATagShape_TaggedEntryLeaves()
    {
        var seen = new List<InvalidationRequest>();
        using var cache = Create(hooks: [new Recorder(seen)]);
        var key = Put(cache, "a.cs", options: new FileCacheEntryOptions { Tags = ["t"] });

        cache.Invalidate(InvalidationRequest.ForTag("t"));

        Assert.IsType<TagInvalidation>(Assert.Single(seen));
        Assert.False(Has(cache, key));
    }

    private sealed class Recorder(List<InvalidationRequest> seen) : IInvalidationHook
    {
        public void OnInvalidating(InvalidatingContext context) => seen.Add(context.Request);

        public void OnInvalidated(InvalidationRequest request, IReadOnlyCollection<FileKey> keys)
        {
        }
    }
}
