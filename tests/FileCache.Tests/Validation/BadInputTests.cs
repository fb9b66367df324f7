using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.Validation;

/// <summary>
/// Invalid arguments to every IFileCache member: the exception type and the parameter it names. Projects:
/// "p" (rooted at a temp directory) and "mem" (no root).
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TestDirectory _dir = new();
    private readonly IFileCache _cache;

    public BadInputTests()
    {
        var options = new FileCacheOptions { MaxBytes = 100_000 }
            .AddProject("p", _dir.Root)
            .AddProject("mem", null);
        _cache = FileCacheFactory.Create(options, new FakeTimeProvider());
    }

    public void Dispose()
    {
        _cache.Dispose();
        _dir.Dispose();
    }

    private static ValueTask<string> Loader(FileKey key, CancellationToken ct) => new("loaded");

    // ---- null / empty project ----

    [Fact]
    public async Task ProjectTakingMembers_NullProject_ThrowArgumentNullExceptionForProject()
    {
        Assert.Throws<ArgumentNullException>("project", () => _cache.CreateKey(null!, "a.cs"));
        await Assert.ThrowsAsync<ArgumentNullException>("project", () => _cache.ReadAsync(null!, "a.cs").AsTask());
        Assert.Throws<ArgumentNullException>("project", () => _cache.TryGet<string>(null!, "a.cs", out _));
        Assert.Throws<ArgumentNullException>("project", () => _cache.Remove(null!, "a.cs"));
        Assert.Throws<ArgumentNullException>("project", () => _cache.InvalidateProject(null!));
        Assert.Throws<ArgumentNullException>("project", () => _cache.RemoveProject(null!));
    }

    [Fact]
    public async Task ProjectTakingMembers_EmptyProject_ThrowArgumentExceptionForProject()
    {
        Assert.Throws<ArgumentException>("project", () => _cache.CreateKey(string.Empty, "a.cs"));
        await Assert.ThrowsAsync<ArgumentException>("project", () => _cache.ReadAsync(string.Empty, "a.cs").AsTask());
        Assert.Throws<ArgumentException>("project", () => _cache.TryGet<string>(string.Empty, "a.cs", out _));
        Assert.Throws<ArgumentException>("project", () => _cache.Remove(string.Empty, "a.cs"));
        Assert.Throws<ArgumentException>("project", () => _cache.InvalidateProject(string.Empty));
        Assert.Throws<ArgumentException>("project", () => _cache.RemoveProject(string.Empty));
    }

    // ---- null / empty path ----

    [Theory]
    [InlineData("p")]
    [InlineData("mem")]
    public async Task PathTakingMembers_NullPath_ThrowArgumentNullExceptionForPath(string projectName)
    {
        Assert.Throws<ArgumentNullException>("path", () => _cache.CreateKey(projectName, null!));
        await Assert.ThrowsAsync<ArgumentNullException>("path", () => _cache.ReadAsync(projectName, null!).AsTask());
        Assert.Throws<ArgumentNullException>("path", () => _cache.TryGet<string>(projectName, null!, out _));
        Assert.Throws<ArgumentNullException>("path", () => _cache.Remove(projectName, null!));
    }

    [Theory]
    [InlineData("p")]
    [InlineData("mem")]
    public async Task PathTakingMembers_EmptyPath_ThrowArgumentExceptionForPath(string projectName)
    {
        Assert.Throws<ArgumentException>("path", () => _cache.CreateKey(projectName, string.Empty));
        await Assert.ThrowsAsync<ArgumentException>("path", () => _cache.ReadAsync(projectName, string.Empty).AsTask());
        Assert.Throws<ArgumentException>("path", () => _cache.TryGet<string>(projectName, string.Empty, out _));
        Assert.Throws<ArgumentException>("path", () => _cache.Remove(projectName, string.Empty));
    }

    [Fact]
    public void CreateKey_EmptyVariant_ThrowsArgumentExceptionForVariant()
    {
        Assert.Throws<ArgumentException>("variant", () => _cache.CreateKey("p", "a.cs", string.Empty));
    }

    // ---- NUL characters ----

    [Theory]
    [InlineData("p\0")]
    [InlineData("\0p")]
    [InlineData("\0")]
    public async Task ProjectTakingMembers_NulInProject_ThrowArgumentExceptionForProject(string projectName)
    {
        Assert.Throws<ArgumentException>("project", () => _cache.CreateKey(projectName, "a.cs"));
        await Assert.ThrowsAsync<ArgumentException>("project", () => _cache.ReadAsync(projectName, "a.cs").AsTask());
        Assert.Throws<ArgumentException>("project", () => _cache.Remove(projectName, "a.cs"));
        Assert.Throws<ArgumentException>("project", () => _cache.InvalidateProject(projectName));
        Assert.Throws<ArgumentException>("project", () => _cache.RemoveProject(projectName));
    }

    [Fact]
    public void TryGet_NulInProject_ReturnsFalseLikeAnyUnknownProject()
    {
        // No registered project can contain NUL, so TryGet treats it as an unknown project (it never throws for those).
        Assert.False(_cache.TryGet<string>("p\0", "a.cs", out var value));
        Assert.Null(value);
    }

    [Theory]
    [InlineData("a\0b.cs")]
    [InlineData("a.cs\0")]
    [InlineData("\0")]
    [InlineData("src/\0/a.cs")]
    [InlineData("src\\a\0.cs")]
    public async Task PathTakingMembers_NulInPath_ThrowArgumentExceptionForPath(string input)
    {
        foreach (string project in new[] { "p", "mem" })
        {
            Assert.Throws<ArgumentException>("path", () => _cache.CreateKey(project, input));
            await Assert.ThrowsAsync<ArgumentException>("path", () => _cache.ReadAsync(project, input).AsTask());
            Assert.Throws<ArgumentException>("path", () => _cache.TryGet<string>(project, input, out _));
            Assert.Throws<ArgumentException>("path", () => _cache.Remove(project, input));
        }

        Assert.Equal(0, _cache.GetStatistics().Total.Loads);
    }

    [Theory]
    [InlineData("ast\0")]
    [InlineData("\0")]
    public void CreateKey_NulInVariant_ThrowsArgumentExceptionForVariant(string badVariant)
    {
        Assert.Throws<ArgumentException>("variant", () => _cache.CreateKey("p", "a.cs", badVariant));
    }

    // ---- unknown project ----

    [Fact]
    public async Task ProjectTakingMembers_UnknownProject_ThrowArgumentExceptionForProject()
    {
        var ex = Assert.Throws<ArgumentException>("project", () => _cache.CreateKey("nope", "a.cs"));
        Assert.Contains("nope", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>("project", () => _cache.ReadAsync("nope", "a.cs").AsTask());
        Assert.Throws<ArgumentException>("project", () => _cache.Remove("nope", "a.cs"));
        Assert.Throws<ArgumentException>("project", () => _cache.InvalidateProject("nope"));
        Assert.Throws<ArgumentException>("project", () => _cache.CreateKey("P", "a.cs")); // names compare ordinally
    }

    [Fact]
    public void ProjectTakingMembers_UnknownProject_TryGetAndRemoveProjectReturnFalse()
    {
        Assert.False(_cache.TryGet<string>("nope", "a.cs", out var value));
        Assert.Null(value);
        Assert.False(_cache.RemoveProject("nope"));
    }

    [Fact]
    public async Task KeyTakingMembers_KeyOfRemovedProject_ThrowArgumentExceptionForKey()
    {
        var key = _cache.CreateKey("mem", "a.cs");
        Assert.True(_cache.Set(key, "v"));
        Assert.True(_cache.RemoveProject("mem"));

        Assert.Throws<ArgumentException>("key", () => _cache.Set(key, "v"));
        await Assert.ThrowsAsync<ArgumentException>("key", () => _cache.ReadAsync(key).AsTask());
        await Assert.ThrowsAsync<ArgumentException>("key", () => _cache.GetOrAddAsync(key, Loader).AsTask());
        Assert.Throws<ArgumentException>("key", () => _cache.Remove(key));
        Assert.False(_cache.TryGet<string>(key, out _));
        Assert.DoesNotContain("mem", _cache.Projects);
    }

    [Fact]
    public void KeyTakingMembers_KeyFromAnotherCacheWithUnknownProject_ThrowArgumentExceptionForKey()
    {
        using var other = FileCacheFactory.Create(new FileCacheOptions().AddProject("elsewhere", null), new FakeTimeProvider());
        var foreign = other.CreateKey("elsewhere", "a.cs");

        var ex = Assert.Throws<ArgumentException>("key", () => _cache.Set(foreign, "v"));
        Assert.Contains("elsewhere", ex.Message, StringComparison.Ordinal);
        Assert.False(_cache.TryGet<string>(foreign, out _));
    }

    // ---- default(FileKey) ----

    [Fact]
    public async Task KeyTakingMembers_DefaultKey_ThrowArgumentExceptionForKey()
    {
        var key = default(FileKey);
        Assert.True(key.IsDefault);

        Assert.Throws<ArgumentException>("key", () => _cache.TryGet<string>(key, out _));
        Assert.Throws<ArgumentException>("key", () => _cache.Set(key, "v"));
        Assert.Throws<ArgumentException>("key", () => _cache.Remove(key));
        await Assert.ThrowsAsync<ArgumentException>("key", () => _cache.ReadAsync(key).AsTask());
        await Assert.ThrowsAsync<ArgumentException>("key", () => _cache.GetOrAddAsync(key, Loader).AsTask());
        Assert.Equal(0, _cache.GetStatistics().Total.Entries);
    }

    [Fact]
    public void WithVariant_DefaultKey_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => default(FileKey).WithVariant("ast"));
    }

    [Fact]
    public void CreateKey_KeysFromTheCache_AreNotDefault()
    {
        Assert.False(_cache.CreateKey("p", "a.cs").IsDefault);
        Assert.NotEqual(default, _cache.CreateKey("p", "a.cs"));
    }

    // ---- entry options ----

    public static TheoryData<string, FileCacheEntryOptions> InvalidEntryOptions => new()
    {
        { "Size -1", new FileCacheEntryOptions { Size = -1 } },
        { "Size min", new FileCacheEntryOptions { Size = long.MinValue } },
        { "Absolute 0", new FileCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.Zero } },
        { "Absolute -1s", new FileCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(-1) } },
        { "Sliding 0", new FileCacheEntryOptions { SlidingExpiration = TimeSpan.Zero } },
        { "Sliding -1ms", new FileCacheEntryOptions { SlidingExpiration = TimeSpan.FromMilliseconds(-1) } },
    };

    [Theory]
    [MemberData(nameof(InvalidEntryOptions))]
    public async Task SetAndGetOrAdd_InvalidEntryOptions_ThrowArgumentOutOfRangeExceptionForOptions(string description, FileCacheEntryOptions entryOptions)
    {
        Assert.NotNull(description);
        var key = _cache.CreateKey("mem", "a.cs");
        int loads = 0;

        Assert.Throws<ArgumentOutOfRangeException>("options", () => _cache.Set(key, "v", entryOptions));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>("options", () => _cache.GetOrAddAsync(
            key,
            (_, _) =>
            {
                loads++;
                return new ValueTask<string>("v");
            },
            entryOptions).AsTask());

        Assert.Equal(0, loads);
        Assert.Equal(0, _cache.GetStatistics().Total.Entries);
    }

    [Fact]
    public void Set_ZeroSize_IsAcceptedAndChargedTheEntryOverhead()
    {
        var key = _cache.CreateKey("mem", "a.cs");

        Assert.True(_cache.Set(key, "v", new FileCacheEntryOptions { Size = 0 }));
        Assert.Equal(FileCache.Storage.DefaultFileCache.EntryOverhead, _cache.GetStatistics().Total.Bytes);
        Assert.Equal(1, _cache.GetStatistics().Total.Entries);
    }

    [Fact]
    public async Task SetAndGetOrAdd_ValueTypeWithoutKnownSizeAndNoSize_ThrowArgumentExceptionForOptions()
    {
        var key = _cache.CreateKey("mem", "a.cs");
        int loads = 0;

        var ex = Assert.Throws<ArgumentException>("options", () => _cache.Set(key, 42));
        Assert.Contains("Size", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>("options", () => _cache.Set(key, 42, new FileCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(1) }));
        Assert.Throws<ArgumentException>("options", () => _cache.Set(key, new List<int> { 1 }));
        Assert.Throws<ArgumentException>("options", () => _cache.Set<object>(key, "a string typed as object"));
        await Assert.ThrowsAsync<ArgumentException>("options", () => _cache.GetOrAddAsync(key, (_, _) =>
        {
            loads++;
            return new ValueTask<int>(42);
        }).AsTask());

        Assert.Equal(0, loads);
        Assert.Equal(0, _cache.GetStatistics().Total.Entries);

        // With a size they are accepted.
        Assert.True(_cache.Set(key, 42, new FileCacheEntryOptions { Size = 4 }));
        Assert.True(_cache.TryGet<int>(key, out int value));
        Assert.Equal(42, value);
    }

    [Fact]
    public async Task GetOrAddAsync_NullLoader_ThrowsArgumentNullExceptionForLoader()
    {
        var key = _cache.CreateKey("mem", "a.cs");

        await Assert.ThrowsAsync<ArgumentNullException>("loader", () => _cache.GetOrAddAsync<string>(key, null!).AsTask());
    }

    // ---- ReadAsync misuse ----

    [Fact]
    public async Task ReadAsync_ProjectWithoutRoot_ThrowsInvalidOperationException()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => _cache.ReadAsync("mem", "a.cs").AsTask());
        Assert.Contains("mem", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => _cache.ReadAsync(_cache.CreateKey("mem", "a.cs")).AsTask());
        Assert.Equal(0, _cache.GetStatistics().Total.Loads);
    }

    [Fact]
    public async Task ReadAsync_VariantKey_ThrowsArgumentExceptionForKey()
    {
        _dir.Write("a.cs", "x");
        var key = _cache.CreateKey("p", "a.cs", "ast");

        await Assert.ThrowsAsync<ArgumentException>("key", () => _cache.ReadAsync(key).AsTask());
        await Assert.ThrowsAsync<ArgumentException>("key", () => _cache.ReadAsync(_cache.CreateKey("p", "a.cs").WithVariant("ast")).AsTask());
        Assert.Equal(0, _cache.GetStatistics().Total.Loads);
    }

    // ---- AddProject ----

    [Fact]
    public void AddProject_DuplicateName_ThrowsArgumentExceptionForProject()
    {
        var ex = Assert.Throws<ArgumentException>("project", () => _cache.AddProject(new FileCacheProjectOptions { Name = "p" }));
        Assert.Contains("'p'", ex.Message, StringComparison.Ordinal);
        _cache.AddProject(new FileCacheProjectOptions { Name = "late" });
        Assert.Throws<ArgumentException>("project", () => _cache.AddProject(new FileCacheProjectOptions { Name = "late", RootPath = _dir.Root }));
        Assert.Equal(new[] { "late", "mem", "p" }, _cache.Projects.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AddProject_Null_ThrowsArgumentNullExceptionForProject()
    {
        Assert.Throws<ArgumentNullException>("project", () => _cache.AddProject(null!));
    }

    public static TheoryData<string, string> InvalidProjects => new()
    {
        { "empty name", ".Name" },
        { "NUL in name", ".Name" },
        { "relative root", ".RootPath" },
        { "empty root", ".RootPath" },
        { "missing root", ".RootPath" },
        { "root is a file", ".RootPath" },
        { "zero quota", ".MaxBytes" },
        { "negative quota", ".MaxBytes" },
        { "quota over budget", ".MaxBytes" },
    };

    [Theory]
    [MemberData(nameof(InvalidProjects))]
    public void AddProject_InvalidOptions_ThrowsArgumentExceptionForProjectNamingTheField(string problem, string field)
    {
        string file = _dir.Write("file.txt", "x");
        var project = new FileCacheProjectOptions { Name = "new" };
        switch (problem)
        {
            case "empty name": project.Name = string.Empty; break;
            case "NUL in name": project.Name = "ne\0w"; break;
            case "relative root": project.RootPath = "relative/dir"; break;
            case "empty root": project.RootPath = string.Empty; break;
            case "missing root": project.RootPath = Path.Combine(_dir.Root, "missing"); break;
            case "root is a file": project.RootPath = file; break;
            case "zero quota": project.MaxBytes = 0; break;
            case "negative quota": project.MaxBytes = -1; break;
            case "quota over budget": project.MaxBytes = 100_001; break;
            default: throw new ArgumentOutOfRangeException(nameof(problem));
        }

        var ex = Assert.Throws<ArgumentException>("project", () => _cache.AddProject(project));

        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, _cache.Projects.Count);
    }

    [Fact]
    public void AddProject_QuotaEqualToBudget_IsAccepted()
    {
        _cache.AddProject(new FileCacheProjectOptions { Name = "full", MaxBytes = 100_000 });

        Assert.Contains("full", _cache.Projects);
    }

    // ---- after Dispose ----

    public static TheoryData<string> Members =>
    [
        "AddProject", "RemoveProject", "CreateKey", "ReadAsync(string)", "ReadAsync(key)", "TryGet(key)",
        "TryGet(string)", "GetOrAddAsync", "Set", "Remove(key)", "Remove(string)", "InvalidateProject", "Clear",
        "GetStatistics",
    ];

    [Theory]
    [MemberData(nameof(Members))]
    public async Task Member_AfterDispose_ThrowsObjectDisposedException(string member)
    {
        _dir.Write("a.cs", "x");
        var fileKey = _cache.CreateKey("p", "a.cs");
        await _cache.ReadAsync(fileKey);
        var memKey = _cache.CreateKey("mem", "a.cs");
        Assert.True(_cache.Set(memKey, "v"));
        _cache.Dispose();

        Func<Task> call = member switch
        {
            "AddProject" => () => Sync(() => _cache.AddProject(new FileCacheProjectOptions { Name = "new" })),
            "RemoveProject" => () => Sync(() => _cache.RemoveProject("mem")),
            "CreateKey" => () => Sync(() => _cache.CreateKey("p", "a.cs")),
            "ReadAsync(string)" => () => _cache.ReadAsync("p", "a.cs").AsTask(),
            "ReadAsync(key)" => () => _cache.ReadAsync(fileKey).AsTask(),
            "TryGet(key)" => () => Sync(() => _cache.TryGet<string>(memKey, out _)),
            "TryGet(string)" => () => Sync(() => _cache.TryGet<string>("mem", "a.cs", out _)),
            "GetOrAddAsync" => () => _cache.GetOrAddAsync(memKey, Loader).AsTask(),
            "Set" => () => Sync(() => _cache.Set(memKey, "v")),
            "Remove(key)" => () => Sync(() => _cache.Remove(memKey)),
            "Remove(string)" => () => Sync(() => _cache.Remove("mem", "a.cs")),
            "InvalidateProject" => () => Sync(() => _cache.InvalidateProject("mem")),
            "Clear" => () => Sync(_cache.Clear),
            "GetStatistics" => () => Sync(() => _cache.GetStatistics()),
            _ => throw new ArgumentOutOfRangeException(nameof(member)),
        };

        var ex = await Assert.ThrowsAsync<ObjectDisposedException>(call);
        Assert.Equal(nameof(IFileCache), ex.ObjectName);

        static Task Sync(Action action)
        {
            action();
            return Task.CompletedTask;
        }
    }

    [Fact]
    public void Projects_AfterDispose_ThrowsObjectDisposedException()
    {
        _cache.Dispose();

        Assert.Throws<ObjectDisposedException>(() => _cache.Projects);
    }

    [Fact]
    public void Dispose_Twice_DoesNotThrow()
    {
        _cache.Dispose();
        _cache.Dispose();

        Assert.Throws<ObjectDisposedException>(() => _cache.CreateKey("p", "a.cs"));
    }
}
