using System.Text;
using FileCache.Sources;
using Microsoft.Extensions.FileProviders;

namespace FileCache.Tests.Sources;

/// <summary>
/// What every <see cref="IFileSource"/> must do, run against each implementation. Each source starts with the same
/// files: <c>a.txt</c> ("alpha"), <c>dir/b.txt</c> ("bravo, a longer file") and the empty <c>empty.txt</c>.
/// </summary>
public abstract class FileSourceContract : IDisposable
{
    protected static readonly IReadOnlyDictionary<string, string> Files = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["a.txt"] = "alpha",
        ["dir/b.txt"] = "bravo, a longer file",
        ["empty.txt"] = string.Empty,
    };

    private IFileSource? _source;

    protected IFileSource Source => _source ??= CreateSource();

    /// <summary>Gets a value indicating whether the test can change the source's files (<see cref="Change"/>).</summary>
    protected virtual bool CanChange => true;

    [Fact]
    public async Task ReadAsync_ExistingFile_ReturnsItsBytesAndTheVersionTheProbeSees()
    {
        foreach (var (path, text) in Files)
        {
            var read = await Source.ReadAsync(path);
            Assert.Equal(text, Encoding.UTF8.GetString(read.Content.Span));
            Assert.Equal(Encoding.UTF8.GetByteCount(text), read.Version.Length);
            Assert.False(string.IsNullOrEmpty(read.Location));
            Assert.Equal(read.Version, await Source.GetVersionAsync(path));
        }
    }

    [Fact]
    public async Task ReadAsync_MissingFile_ThrowsFileNotFound()
    {
        await Assert.ThrowsAsync<FileNotFoundException>(async () => await Source.ReadAsync("missing.txt"));
        await Assert.ThrowsAsync<FileNotFoundException>(async () => await Source.ReadAsync("no-such-dir/missing.txt"));
    }

    [Fact]
    public async Task GetVersionAsync_MissingFileOrDirectory_ReturnsNull()
    {
        Assert.Null(await Source.GetVersionAsync("missing.txt"));
        Assert.Null(await Source.GetVersionAsync("no-such-dir/missing.txt"));
        Assert.Null(await Source.GetVersionAsync("dir"));
    }

    [Fact]
    public async Task ReadAsync_Directory_ThrowsAnIOException()
    {
        await Assert.ThrowsAnyAsync<IOException>(async () => await Source.ReadAsync("dir"));
    }

    [Fact]
    public async Task ReadAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Source.ReadAsync("a.txt", cancelled.Token));
    }

    [Fact]
    public async Task ReadAsync_Concurrently_EveryReaderGetsTheWholeFile()
    {
        var reads = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () => await Source.ReadAsync("dir/b.txt"))));
        Assert.All(reads, r => Assert.Equal(Files["dir/b.txt"], Encoding.UTF8.GetString(r.Content.Span)));
    }

    [Fact]
    public async Task ReadAsync_AfterAChange_ReturnsTheNewBytesWithANewVersion()
    {
        if (!CanChange)
        {
            return;
        }

        var before = await Source.ReadAsync("a.txt");
        Change("a.txt", "alpha, changed");
        var after = await Source.ReadAsync("a.txt");
        Assert.Equal("alpha, changed", Encoding.UTF8.GetString(after.Content.Span));
        Assert.NotEqual(before.Version, after.Version);
        Assert.Equal(after.Version, await Source.GetVersionAsync("a.txt"));
    }

    [Fact]
    public async Task Watch_WhenSupported_FiresOnAChangeOfTheFile()
    {
        if (!CanChange || Source.Watch("a.txt") is not { } token)
        {
            return;
        }

        using var fired = new SemaphoreSlim(0);
        using var registration = token.RegisterChangeCallback(_ => fired.Release(), null);
        Change("a.txt", "alpha, watched");
        Assert.True(await fired.WaitAsync(TimeSpan.FromSeconds(20)), "The change token did not fire.");
        Assert.True(token.HasChanged);
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected abstract IFileSource CreateSource();

    protected abstract void Change(string path, string text);

    protected virtual void Dispose(bool disposing)
    {
    }
}

/// <summary>The default source: a root directory on disk.</summary>
public sealed class PhysicalFileSourceContractTests : FileSourceContract
{
    private readonly TestDirectory _dir = new();

    public PhysicalFileSourceContractTests()
    {
        foreach (var (path, text) in Files)
        {
            _dir.Write(path, text);
        }
    }

    [Fact]
    public async Task ReadAsync_PathEscapingTheRoot_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentException>(async () => await Source.ReadAsync("../outside.txt"));
    }

    [Fact]
    public async Task ReadAsync_LinkLeadingOutsideTheRoot_IsRefused()
    {
        using var outside = new TestDirectory();
        outside.Write("secret.txt", "secret");
        File.CreateSymbolicLink(Path.Combine(_dir.Root, "link.txt"), Path.Combine(outside.Root, "secret.txt"));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(async () => await Source.ReadAsync("link.txt"));
    }

    protected override IFileSource CreateSource() => new PhysicalFileSource(_dir.Root);

    protected override void Change(string path, string text) => _dir.Write(path, text);

    protected override void Dispose(bool disposing)
    {
        _dir.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>The adapter over a <see cref="PhysicalFileProvider"/> (which can watch).</summary>
public sealed class PhysicalProviderSourceContractTests : FileSourceContract
{
    private readonly TestDirectory _dir = new();
    private readonly PhysicalFileProvider _provider;

    public PhysicalProviderSourceContractTests()
    {
        foreach (var (path, text) in Files)
        {
            _dir.Write(path, text);
        }

        _provider = new PhysicalFileProvider(_dir.Root);
    }

    protected override IFileSource CreateSource() => new FileProviderSource(_provider);

    protected override void Change(string path, string text) => _dir.Write(path, text);

    protected override void Dispose(bool disposing)
    {
        _provider.Dispose();
        _dir.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>The adapter over a <see cref="CompositeFileProvider"/> of two physical providers (the files split between them).</summary>
public sealed class CompositeProviderSourceContractTests : FileSourceContract
{
    private readonly TestDirectory _first = new();
    private readonly TestDirectory _second = new();
    private readonly PhysicalFileProvider _a;
    private readonly PhysicalFileProvider _b;

    public CompositeProviderSourceContractTests()
    {
        _first.Write("a.txt", Files["a.txt"]);
        _second.Write("dir/b.txt", Files["dir/b.txt"]);
        _second.Write("empty.txt", Files["empty.txt"]);
        _a = new PhysicalFileProvider(_first.Root);
        _b = new PhysicalFileProvider(_second.Root);
    }

    protected override IFileSource CreateSource() => new FileProviderSource(new CompositeFileProvider(_a, _b));

    protected override void Change(string path, string text) => _first.Write(path, text);

    protected override void Dispose(bool disposing)
    {
        _a.Dispose();
        _b.Dispose();
        _first.Dispose();
        _second.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>The adapter over an <see cref="EmbeddedFileProvider"/> (this assembly's resources; read-only, cannot watch).</summary>
public sealed class EmbeddedProviderSourceContractTests : FileSourceContract
{
    protected override bool CanChange => false;

    protected override IFileSource CreateSource() =>
        new FileProviderSource(new EmbeddedFileProvider(typeof(EmbeddedProviderSourceContractTests).Assembly, "FileCache.Tests.Sources.Embedded"));

    protected override void Change(string path, string text) => throw new NotSupportedException();
}

/// <summary>The in-memory source the engine tests use instead of a disk.</summary>
public sealed class InMemoryFileSourceContractTests : FileSourceContract
{
    private readonly InMemoryFileSource _memory = new();

    public InMemoryFileSourceContractTests()
    {
        foreach (var (path, text) in Files)
        {
            _memory.Write(path, text);
        }
    }

    protected override IFileSource CreateSource() => _memory;

    protected override void Change(string path, string text) => _memory.Write(path, text);
}
