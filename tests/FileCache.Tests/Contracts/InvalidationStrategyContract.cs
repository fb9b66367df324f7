using FileCache.Invalidation;

namespace FileCache.Tests.Contracts;

/// <summary>
/// The contract of <see cref="IInvalidationStrategy"/>, run against every built-in strategy and a custom one. The cache
/// fences loads under way with <c>Matches</c>, so every key <c>Expand</c> adds must satisfy it (with its entry's tags);
/// otherwise a load of that key would cache what the request invalidated. The cache also expands a request twice (a
/// preview for the hooks, then under the lock), so expanding must be repeatable.
/// </summary>
public abstract class InvalidationStrategyContract : IDisposable
{
    private readonly FileCache.Storage.DefaultFileCache _keys = CacheFixture.Create(1 << 20, projects: ["p", "q"]);

    protected InvalidationStrategyContract()
    {
        var old = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var recent = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Scope = new FakeScope();
        Scope.Add(Key("p", "src/a.cs"), version: old);
        Scope.Add(Key("p", "src/a.cs", "model"), tags: ["t"]);
        Scope.Add(Key("p", "src/deep/b.cs"), version: recent, tags: ["t", "u"]);
        Scope.Add(Key("p", "docs/readme.md"), version: old);
        Scope.Add(Key("p", "src.txt"));
        Scope.Add(Key("q", "src/a.cs"), tags: ["u"]);
        Scope.Add(Key("q", "lib/c.js"), version: old);
    }

    /// <summary>Gets the scope the strategy expands against: keys of two projects, with tags and versions.</summary>
    protected FakeScope Scope { get; }

    [Fact]
    public void CanExpand_EveryRequestItIsGiven()
    {
        var strategy = CreateStrategy();
        Assert.All(Requests(), request => Assert.True(strategy.CanExpand(request), request.ToString()));
    }

    [Fact]
    public void Expand_EveryKeyItAdds_SatisfiesMatches()
    {
        var strategy = CreateStrategy();
        foreach (var request in Requests())
        {
            var keys = new List<FileKey>();
            strategy.Expand(request, Scope, keys);
            foreach (var key in keys)
            {
                Assert.False(key.IsDefault, $"{request} added a default key");
                Assert.True(strategy.Matches(request, key, Scope.TagsOf(key)), $"{request} added {key}, which its Matches refuses: a load of it would not be fenced");
            }
        }
    }

    [Fact]
    public void Expand_IsRepeatable()
    {
        var strategy = CreateStrategy();
        foreach (var request in Requests())
        {
            var first = new List<FileKey>();
            var second = new List<FileKey>();
            strategy.Expand(request, Scope, first);
            strategy.Expand(request, Scope, second);
            Assert.Equal(first.ToHashSet(), second.ToHashSet());
        }
    }

    [Fact]
    public void Matches_AnyKey_DoesNotThrow()
    {
        var strategy = CreateStrategy();
        foreach (var request in Requests())
        {
            foreach (var key in Scope.All)
            {
                _ = strategy.Matches(request, key);
                _ = strategy.Matches(request, key, null);
            }
        }
    }

    [Fact]
    public void Expand_SelectsSomething_SoTheContractIsNotVacuous()
    {
        var strategy = CreateStrategy();
        Assert.Contains(Requests(), request =>
        {
            var keys = new List<FileKey>();
            strategy.Expand(request, Scope, keys);
            return keys.Count > 0;
        });
    }

    public void Dispose()
    {
        _keys.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Creates the strategy under test.</summary>
    protected abstract IInvalidationStrategy CreateStrategy();

    /// <summary>Requests the strategy expands, covering its cases.</summary>
    protected abstract IEnumerable<InvalidationRequest> Requests();

    protected FileKey Key(string project, string path, string? variant = null) => _keys.CreateKey(project, path, variant);

    /// <summary>An in-memory <see cref="IInvalidationScope"/>: what the cache would hold.</summary>
    protected sealed class FakeScope : IInvalidationScope
    {
        private readonly List<(FileKey Key, FileVersion? Version, string[] Tags)> _entries = [];

        public IReadOnlyList<string> Projects => _entries.Select(e => e.Key.Project).Distinct().ToList();

        public IEnumerable<FileKey> All => _entries.Select(e => e.Key);

        public void Add(FileKey key, DateTimeOffset? version = null, string[]? tags = null) =>
            _entries.Add((key, version is { } v ? new FileVersion(10, v) : null, tags ?? []));

        public string[]? TagsOf(FileKey key) => _entries.FirstOrDefault(e => e.Key == key).Tags;

        public IReadOnlyList<FileKey> KeysUnder(string project, string directory) =>
            _entries.Where(e => e.Key.Project == project && (directory.Length == 0 || e.Key.Path == directory || e.Key.Path.StartsWith(directory + "/", StringComparison.Ordinal)))
                .Select(e => e.Key).ToList();

        public IReadOnlyList<FileKey> KeysTagged(string tag) => _entries.Where(e => e.Tags.Contains(tag)).Select(e => e.Key).ToList();

        public bool TryGetVersion(in FileKey key, out FileVersion version)
        {
            var k = key;
            var entry = _entries.FirstOrDefault(e => e.Key == k);
            version = entry.Version ?? default;
            return entry.Version is not null;
        }
    }
}

public sealed class KeyStrategyContract : InvalidationStrategyContract
{
    protected override IInvalidationStrategy CreateStrategy() => new KeyStrategy();

    protected override IEnumerable<InvalidationRequest> Requests() => [InvalidationRequest.ForKey(Key("p", "src/a.cs")), InvalidationRequest.ForKey(Key("q", "missing.cs"))];
}

public sealed class DirectoryStrategyContract : InvalidationStrategyContract
{
    protected override IInvalidationStrategy CreateStrategy() => new DirectoryStrategy();

    protected override IEnumerable<InvalidationRequest> Requests() =>
        [InvalidationRequest.ForDirectory("p", "src"), InvalidationRequest.ForDirectory("p", "src/a.cs"), InvalidationRequest.ForDirectory("p", string.Empty), InvalidationRequest.ForDirectory("q", "lib")];
}

public sealed class GlobStrategyContract : InvalidationStrategyContract
{
    protected override IInvalidationStrategy CreateStrategy() => new GlobStrategy();

    protected override IEnumerable<InvalidationRequest> Requests() =>
        [InvalidationRequest.ForGlob("p", "src/**/*.cs"), InvalidationRequest.ForGlob("p", "**/*.md"), InvalidationRequest.ForGlob("p", "src/?.cs")];
}

public sealed class ProjectStrategyContract : InvalidationStrategyContract
{
    protected override IInvalidationStrategy CreateStrategy() => new ProjectStrategy();

    protected override IEnumerable<InvalidationRequest> Requests() => [InvalidationRequest.ForProject("p"), InvalidationRequest.ForProject("q")];
}

public sealed class TagStrategyContract : InvalidationStrategyContract
{
    protected override IInvalidationStrategy CreateStrategy() => new TagStrategy();

    protected override IEnumerable<InvalidationRequest> Requests() => [InvalidationRequest.ForTag("t"), InvalidationRequest.ForTag("u"), InvalidationRequest.ForTag("none")];
}

public sealed class OlderThanStrategyContract : InvalidationStrategyContract
{
    protected override IInvalidationStrategy CreateStrategy() => new OlderThanStrategy();

    protected override IEnumerable<InvalidationRequest> Requests() =>
        [InvalidationRequest.OlderThan("p", new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero)), InvalidationRequest.OlderThan("q", DateTimeOffset.MaxValue)];
}

public sealed class AllStrategyContract : InvalidationStrategyContract
{
    protected override IInvalidationStrategy CreateStrategy() => new AllStrategy();

    protected override IEnumerable<InvalidationRequest> Requests() => [InvalidationRequest.ForAll()];
}

/// <summary>A user's strategy: custom request "extension", every key of a project whose path ends with the argument.</summary>
public sealed class CustomStrategyContract : InvalidationStrategyContract
{
    protected override IInvalidationStrategy CreateStrategy() => new ExtensionStrategy();

    protected override IEnumerable<InvalidationRequest> Requests() => [InvalidationRequest.Custom("extension", "p", ".cs"), InvalidationRequest.Custom("extension", "q", ".js")];

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
}
