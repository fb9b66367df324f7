using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace FileCache.Tests;


/// <summary>The README's quick start, line for line but for the paths, so that it keeps compiling and doing what it says.</summary>
public partial class ReadmeQuickStartTests
{
    [Fact]
    public async Task QuickStart_AsWritten_ReadsHitsDerivesAndInvalidates()
    {
        using var site = new TestDirectory();
        site.Write("templates/index.html", "<h1>hello</h1>");

        var services = new ServiceCollection();
        services.AddFileCache(o =>
        {
            o.MaxBytes = 512L * 1024 * 1024;
            o.AddProject("web", site.Root, p => p.MaxBytes = 128L * 1024 * 1024);
            o.AddProject("models", rootPath: null);
        });
        using var provider = services.BuildServiceProvider();
        var cache = provider.GetRequiredService<IFileCache>();

        CachedFile page = await cache.ReadAsync("web", "templates/index.html");
        Assert.Equal(14, page.Length);
        Assert.Equal(14, page.Version.Length);

        FileKey key = cache.CreateKey("web", "templates/index.html");
        Assert.True(cache.TryGet(key, out CachedFile? hit));
        Assert.Same(page, hit);

        FileKey astKey = key.WithVariant("ast");
        int parses = 0;
        var entryOptions = new FileCacheEntryOptions { Size = 64 * 1024, SlidingExpiration = TimeSpan.FromMinutes(10) };
        var ast = await cache.GetOrAddAsync(astKey, async (k, ct) => { parses++; return await ParseAsync(k, ct); }, entryOptions);
        var again = await cache.GetOrAddAsync(astKey, (k, ct) => { parses++; return ParseAsync(k, ct); }, entryOptions);
        Assert.Same(ast, again);
        Assert.Equal(1, parses);

        Assert.True(cache.Remove(key));
        Assert.False(cache.TryGet(key, out CachedFile? _));
        Assert.Equal(1, cache.InvalidateProject("web"));
        // Hits: TryGet, the second GetOrAddAsync; misses: the first ReadAsync, the first GetOrAddAsync, TryGet after Remove.
        Assert.Equal(2.0 / 5, cache.GetStatistics().Total.HitRatio, 3);
    }

    private static ValueTask<string[]> ParseAsync(FileKey key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(new[] { "ast of", key.Path });
    }
}

/// <summary>
/// The README's quick start compiles as printed: the first C# block under "## Quick start" is read from README.md at
/// test time and compiled with Roslyn as a console program, against the library and the packages it names only.
/// </summary>
public partial class ReadmeQuickStartTests
{
    [Fact]
    public void QuickStart_AsPrintedInTheReadme_Compiles()
    {
        string code = QuickStartBlock();
        var diagnostics = Compile(code);
        Assert.True(diagnostics.Count == 0, "The README's quick start does not compile:\n" + string.Join("\n", diagnostics) + "\n\n" + code);
    }

    [Fact]
    public void Compile_OfABrokenQuickStart_Fails()
    {
        // The checker itself: a quick start that calls what it does not define, or lacks a using, is caught.
        string code = QuickStartBlock();
        Assert.NotEmpty(Compile(code.Replace("static ValueTask<string[]> ParseAsync", "static ValueTask<string[]> ParseItAsync", StringComparison.Ordinal)));
        Assert.NotEmpty(Compile(code.Replace("using Microsoft.Extensions.DependencyInjection;", string.Empty, StringComparison.Ordinal)));
    }

    internal static string QuickStartBlock()
    {
        string readme = File.ReadAllText(FindReadme());
        var match = QuickStart().Match(readme);
        Assert.True(match.Success, "README.md has no ```csharp block under '## Quick start'");
        return match.Groups[1].Value;
    }

    private static List<string> Compile(string code)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Concat([typeof(IFileCache).Assembly.Location, typeof(Microsoft.Extensions.DependencyInjection.ServiceCollection).Assembly.Location,
                typeof(Microsoft.Extensions.DependencyInjection.IServiceCollection).Assembly.Location, typeof(Microsoft.Extensions.DependencyInjection.ServiceProvider).Assembly.Location])
            // What a project referencing the package gets too: the package's own dependencies.
            .Concat(typeof(IFileCache).Assembly.GetReferencedAssemblies().Select(name => Assembly.Load(name).Location))
            .Distinct()
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(
            "ReadmeQuickStart",
            [CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Latest))],
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var output = new MemoryStream();
        var result = compilation.Emit(output);
        return result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()).ToList();
    }

    private static string FindReadme()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "README.md");
            if (File.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "FileCache.sln")))
            {
                return candidate;
            }
        }

        string? root = typeof(ReadmeQuickStartTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        Assert.True(root is not null && File.Exists(Path.Combine(root, "README.md")), "README.md not found above " + AppContext.BaseDirectory);
        return Path.Combine(root!, "README.md");
    }

    [GeneratedRegex(@"^## Quick start\s*$.*?^```csharp\s*$(.*?)^```\s*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex QuickStart();
}
