using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.Validation;

/// <summary>FileCacheFactory.Create validates the options as start-up does: one failure message per invalid field.</summary>
public sealed class OptionsValidationTests : IDisposable
{
    private readonly TestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The field a failure names: every message starts with the field's path, then a space.</summary>
    private static string FieldOf(string failure) => failure[..failure.IndexOf(' ', StringComparison.Ordinal)];

    private static OptionsValidationException CreateFails(FileCacheOptions options)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => FileCacheFactory.Create(options, new FakeTimeProvider()));
        Assert.Equal(typeof(FileCacheOptions), ex.OptionsType);
        Assert.Equal(Options.DefaultName, ex.OptionsName);
        foreach (string failure in ex.Failures)
        {
            Assert.Contains(failure, ex.Message, StringComparison.Ordinal);
        }

        return ex;
    }

    public static TheoryData<string, string> SingleErrors => new()
    {
        { "MaxBytes 0", "FileCacheOptions.MaxBytes" },
        { "MaxBytes -1", "FileCacheOptions.MaxBytes" },
        { "MaxEntryBytes 0", "FileCacheOptions.MaxEntryBytes" },
        { "MaxEntryBytes -1", "FileCacheOptions.MaxEntryBytes" },
        { "DefaultAbsoluteExpiration 0", "FileCacheOptions.DefaultAbsoluteExpiration" },
        { "DefaultAbsoluteExpiration -1s", "FileCacheOptions.DefaultAbsoluteExpiration" },
        { "DefaultSlidingExpiration 0", "FileCacheOptions.DefaultSlidingExpiration" },
        { "DefaultSlidingExpiration -1s", "FileCacheOptions.DefaultSlidingExpiration" },
        { "empty name", "FileCacheOptions.Projects[0].Name" },
        { "NUL in name", "FileCacheOptions.Projects[0].Name" },
        { "duplicate name", "FileCacheOptions.Projects[1].Name" },
        { "relative root", "FileCacheOptions.Projects[0].RootPath" },
        { "empty root", "FileCacheOptions.Projects[0].RootPath" },
        { "missing root", "FileCacheOptions.Projects[0].RootPath" },
        { "root is a file", "FileCacheOptions.Projects[0].RootPath" },
        { "quota 0", "FileCacheOptions.Projects[0].MaxBytes" },
        { "quota -1", "FileCacheOptions.Projects[0].MaxBytes" },
        { "quota over MaxBytes", "FileCacheOptions.Projects[0].MaxBytes" },
        { "null project", "FileCacheOptions.Projects[0]" },
    };

    [Theory]
    [MemberData(nameof(SingleErrors))]
    public void Create_OneInvalidField_ThrowsWithOneFailureNamingIt(string problem, string field)
    {
        string file = _dir.Write("file.txt", "x");
        var options = new FileCacheOptions { MaxBytes = 10_000 };
        switch (problem)
        {
            case "MaxBytes 0": options.MaxBytes = 0; break;
            case "MaxBytes -1": options.MaxBytes = -1; break;
            case "MaxEntryBytes 0": options.MaxEntryBytes = 0; break;
            case "MaxEntryBytes -1": options.MaxEntryBytes = -1; break;
            case "DefaultAbsoluteExpiration 0": options.DefaultAbsoluteExpiration = TimeSpan.Zero; break;
            case "DefaultAbsoluteExpiration -1s": options.DefaultAbsoluteExpiration = TimeSpan.FromSeconds(-1); break;
            case "DefaultSlidingExpiration 0": options.DefaultSlidingExpiration = TimeSpan.Zero; break;
            case "DefaultSlidingExpiration -1s": options.DefaultSlidingExpiration = TimeSpan.FromSeconds(-1); break;
            case "empty name": options.AddProject(string.Empty, _dir.Root); break;
            case "NUL in name": options.AddProject("a\0b", _dir.Root); break;
            case "duplicate name": options.AddProject("a", _dir.Root).AddProject("a", null); break;
            case "relative root": options.AddProject("a", "relative/dir"); break;
            case "empty root": options.AddProject("a", string.Empty); break;
            case "missing root": options.AddProject("a", Path.Combine(_dir.Root, "missing")); break;
            case "root is a file": options.AddProject("a", file); break;
            case "quota 0": options.AddProject("a", null, p => p.MaxBytes = 0); break;
            case "quota -1": options.AddProject("a", null, p => p.MaxBytes = -1); break;
            case "quota over MaxBytes": options.AddProject("a", null, p => p.MaxBytes = 10_001); break;
            case "null project": options.Projects.Add(null!); break;
            default: throw new ArgumentOutOfRangeException(nameof(problem));
        }

        var ex = CreateFails(options);

        string failure = Assert.Single(ex.Failures);
        Assert.Equal(field, FieldOf(failure));
    }

    [Fact]
    public void Create_ManyInvalidFields_ThrowsWithOneFailurePerField()
    {
        var options = new FileCacheOptions
        {
            MaxBytes = -5,
            MaxEntryBytes = 0,
            DefaultAbsoluteExpiration = TimeSpan.Zero,
            DefaultSlidingExpiration = TimeSpan.FromMinutes(-1),
        };
        options
            .AddProject(string.Empty, _dir.Root)                             // [0] name
            .AddProject("a", "relative/dir")                                 // [1] root
            .AddProject("b", Path.Combine(_dir.Root, "missing"))             // [2] root
            .AddProject("a", _dir.Root)                                      // [3] duplicate name
            .AddProject("c", _dir.Root, p => p.MaxBytes = 0)                 // [4] quota
            .AddProject("d", "rel", p => p.MaxBytes = 1)                     // [5] root and quota (1 > MaxBytes -5)
            .AddProject(string.Empty, "rel", p => p.MaxBytes = -1)           // [6] name, root and quota
            .AddProject("ok", _dir.Root);                                    // [7] valid

        var ex = CreateFails(options);

        Assert.Equal(
            new[]
            {
                "FileCacheOptions.MaxBytes",
                "FileCacheOptions.MaxEntryBytes",
                "FileCacheOptions.DefaultAbsoluteExpiration",
                "FileCacheOptions.DefaultSlidingExpiration",
                "FileCacheOptions.Projects[0].Name",
                "FileCacheOptions.Projects[1].RootPath",
                "FileCacheOptions.Projects[2].RootPath",
                "FileCacheOptions.Projects[3].Name",
                "FileCacheOptions.Projects[4].MaxBytes",
                "FileCacheOptions.Projects[5].RootPath",
                "FileCacheOptions.Projects[5].MaxBytes",
                "FileCacheOptions.Projects[6].Name",
                "FileCacheOptions.Projects[6].RootPath",
                "FileCacheOptions.Projects[6].MaxBytes",
            },
            ex.Failures.Select(FieldOf));
        Assert.Equal(14, ex.Failures.Count());
        Assert.Equal(ex.Failures.Count(), ex.Failures.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(ex.Failures, f => f.Contains("Projects[7]", StringComparison.Ordinal));
    }

    [Fact]
    public void Create_InvalidFields_MessagesCarryTheOffendingValues()
    {
        var options = new FileCacheOptions { MaxBytes = 0, MaxEntryBytes = -7 }
            .AddProject("a", "relative/dir")
            .AddProject("a", null);

        var failures = CreateFails(options).Failures.ToArray();

        Assert.Equal(4, failures.Length);
        Assert.Contains("(was 0)", failures[0], StringComparison.Ordinal);
        Assert.Contains("(was -7)", failures[1], StringComparison.Ordinal);
        Assert.Contains("'relative/dir'", failures[2], StringComparison.Ordinal);
        Assert.Equal("FileCacheOptions.Projects[1].Name 'a' is registered twice.", failures[3]);
    }

    [Fact]
    public void Create_DuplicateNames_ReportsEveryLaterDuplicateOnce()
    {
        var options = new FileCacheOptions()
            .AddProject("a", null)
            .AddProject("b", null)
            .AddProject("a", null)
            .AddProject("a", null)
            .AddProject("A", null); // names compare ordinally: not a duplicate

        var failures = CreateFails(options).Failures.ToArray();

        Assert.Equal(new[] { "FileCacheOptions.Projects[2].Name", "FileCacheOptions.Projects[3].Name" }, failures.Select(FieldOf));
        Assert.All(failures, f => Assert.Contains("'a' is registered twice", f, StringComparison.Ordinal));
    }

    [Fact]
    public void Create_ValidOptions_BuildsCacheWithEveryProject()
    {
        var options = new FileCacheOptions
        {
            MaxBytes = 10_000,
            MaxEntryBytes = 20_000, // larger than the budget is allowed: the budget still bounds entries
            DefaultAbsoluteExpiration = TimeSpan.FromTicks(1),
            DefaultSlidingExpiration = TimeSpan.FromTicks(1),
        }
            .AddProject("rooted", _dir.Root + "/", p => p.MaxBytes = 10_000) // trailing separator and quota == budget
            .AddProject("derived", null, p => p.IgnoreCase = true);

        using var cache = FileCacheFactory.Create(options, new FakeTimeProvider());

        Assert.Equal(new[] { "derived", "rooted" }, cache.Projects.Order(StringComparer.Ordinal));
        Assert.Equal(10_000, cache.GetStatistics().BudgetBytes);
    }

    [Fact]
    public void Create_NullOptions_ThrowsArgumentNullExceptionForOptions()
    {
        Assert.Throws<ArgumentNullException>("options", () => FileCacheFactory.Create(null!));
    }

    [Fact]
    public void Create_OptionsChangedAfterwards_CacheIsUnaffected()
    {
        var options = new FileCacheOptions { MaxBytes = 10_000 }.AddProject("a", null);
        using var cache = FileCacheFactory.Create(options, new FakeTimeProvider());

        options.MaxBytes = 5;
        options.AddProject("b", null);
        options.Projects[0].Name = "renamed";

        Assert.Equal(10_000, cache.GetStatistics().BudgetBytes);
        Assert.Equal(new[] { "a" }, cache.Projects);
        Assert.True(cache.Set(cache.CreateKey("a", "x"), "v"));
    }
}
