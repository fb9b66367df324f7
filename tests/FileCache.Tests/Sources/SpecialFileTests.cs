using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.Sources;

/// <summary>
/// Only regular files are read: a named pipe, a device or a socket inside a root gets an <see cref="IOException"/>
/// naming what it is, at once, and never blocks the caller (a pipe's open() used to block until a writer came, on the
/// caller's thread, deaf to its token). Real special files, made with mkfifo and mknod (the suite runs as root in CI;
/// where mknod is refused the device rows use the system's own /dev nodes through the same check).
/// </summary>
public sealed class SpecialFileTests : IDisposable
{
    /// <summary>How long a read may take before the test calls it blocked (a guard against a hang, not a timing).</summary>
    private static readonly TimeSpan Blocked = TimeSpan.FromSeconds(20);

    private readonly TestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private IFileCache Create() => FileCacheFactory.Create(new FileCacheOptions().AddProject("p", _dir.Root), new FakeTimeProvider());

    [Fact]
    public async Task ReadAsync_NamedPipe_ThrowsIOExceptionWithoutBlocking()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no FIFOs in the file system
        }

        string fifo = Path.Combine(_dir.Root, "pipe");
        Run("mkfifo", fifo);
        using var cache = Create();
        _dir.Write("keep.txt", "kept");
        var kept = await cache.ReadAsync("p", "keep.txt");
        using var cts = new CancellationTokenSource(Blocked);

        // On another thread: the old reader blocked inside ReadAsync itself, before returning a task.
        var read = Task.Run(() => cache.ReadAsync("p", "pipe", cts.Token).AsTask());
        var finished = await Task.WhenAny(read, Task.Delay(Blocked));
        if (finished != read)
        {
            ReleaseBlockedReader(fifo);
            Assert.Fail($"ReadAsync of a named pipe blocked for {Blocked.TotalSeconds} s (its token was cancelled meanwhile).");
        }

        var ex = await Assert.ThrowsAsync<IOException>(() => read);
        Assert.Contains("named pipe", ex.Message, StringComparison.Ordinal);
        Assert.Contains(fifo, ex.Message, StringComparison.Ordinal);
        var stats = cache.GetStatistics().Total;
        Assert.Equal(1, stats.Entries);
        Assert.Equal(1, stats.LoadFailures);
        Assert.True(cache.TryGet<CachedFile>("p", "keep.txt", out var still));
        Assert.Same(kept, still);
    }

    [Theory]
    [InlineData("null", 1, 3)]
    [InlineData("zero", 1, 5)]
    [InlineData("urandom", 1, 9)]
    public async Task ReadAsync_CharacterDevice_ThrowsIOExceptionNamingIt(string name, int major, int minor)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string node = Path.Combine(_dir.Root, name);
        Run("mknod", node, "c", major.ToString(System.Globalization.CultureInfo.InvariantCulture), minor.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var cache = Create();

        var ex = await Assert.ThrowsAsync<IOException>(() => cache.ReadAsync("p", name).AsTask());

        Assert.Contains("character device", ex.Message, StringComparison.Ordinal);
        Assert.Contains(node, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("kept changing", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, cache.GetStatistics().Total.Entries);
    }

    [Fact]
    public async Task ReadAsync_LinkInsideRootToNamedPipe_ThrowsIOExceptionWithoutBlocking()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string fifo = Path.Combine(_dir.Root, "real", "pipe");
        Directory.CreateDirectory(Path.GetDirectoryName(fifo)!);
        Run("mkfifo", fifo);
        File.CreateSymbolicLink(Path.Combine(_dir.Root, "link"), "real/pipe");
        using var cache = Create();

        var read = Task.Run(() => cache.ReadAsync("p", "link").AsTask());
        if (await Task.WhenAny(read, Task.Delay(Blocked)) != read)
        {
            ReleaseBlockedReader(fifo);
            Assert.Fail("ReadAsync of a link to a named pipe blocked.");
        }

        var ex = await Assert.ThrowsAsync<IOException>(() => read);
        Assert.Contains("named pipe", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_UnixSocket_ThrowsIOExceptionNamingIt()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string path = Path.Combine(_dir.Root, "sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        using var cache = Create();

        var ex = await Assert.ThrowsAsync<IOException>(() => cache.ReadAsync("p", "sock").AsTask());

        Assert.Contains("socket", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, cache.GetStatistics().Total.Entries);
    }

    [Fact]
    public async Task ReadAsync_PseudoFileWhoseLengthLies_ThrowsIOExceptionSayingSo()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // /proc files are regular files whose length is 0 whatever they hold; reached through a link the check allows
        // (a root that is itself under /proc).
        var options = new FileCacheOptions().AddProject("proc", "/proc/self");
        options.Invalidation.Mode = FileCache.Invalidation.ValidationMode.None;
        using var cache = FileCacheFactory.Create(options, new FakeTimeProvider());

        var ex = await Assert.ThrowsAsync<IOException>(() => cache.ReadAsync("proc", "status").AsTask());

        Assert.Contains("pseudo-file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_RegularFile_VersionMatchesFileInfo()
    {
        // The reader's own stat and the framework's must agree to the tick: ValidateOnRead compares one with the other.
        string full = _dir.Write("deep/er/a.txt", "abc");
        File.SetLastWriteTimeUtc(full, new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc).AddTicks(1234567));
        using var cache = Create();

        var file = await cache.ReadAsync("p", "deep/er/a.txt");

        var info = new FileInfo(full);
        Assert.Equal(info.Length, file.Version.Length);
        Assert.Equal(info.LastWriteTimeUtc, file.Version.LastWriteTimeUtc.UtcDateTime);
        Assert.Equal("abc", System.Text.Encoding.UTF8.GetString(file.Content.Span));
    }

    private static void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} failed: {error}");
    }

    /// <summary>Opens the pipe for writing, which lets a reader blocked in open() go (so a failing run does not leak a thread forever).</summary>
    private static void ReleaseBlockedReader(string fifo)
    {
        using var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write);
    }
}
