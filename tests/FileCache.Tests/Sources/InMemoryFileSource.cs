using System.Collections.Concurrent;
using FileCache.Sources;
using Microsoft.Extensions.Primitives;

namespace FileCache.Tests.Sources;

/// <summary>
/// An <see cref="IFileSource"/> in memory, for engine tests without a disk: files written and deleted by the test, a
/// version per write (length and a time one tick later than the last), read and probe counts, an optional pause before
/// each read, and change tokens per path that fire on a write or delete of the path or of anything under it.
/// </summary>
public sealed class InMemoryFileSource : IFileSource
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly ConcurrentDictionary<string, (byte[] Bytes, FileVersion Version)> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _watches = new(StringComparer.Ordinal);
    private long _writes;
    private int _reads;
    private int _probes;

    /// <summary>Gets or sets a value indicating whether <see cref="Watch"/> hands out change tokens.</summary>
    public bool CanWatch { get; set; } = true;

    /// <summary>Gets or sets a pause awaited by every read after it was counted (a slow source).</summary>
    public Func<string, CancellationToken, Task>? BeforeRead { get; set; }

    /// <summary>Gets the number of reads that reached this source, found or not.</summary>
    public int Reads => Volatile.Read(ref _reads);

    /// <summary>Gets the number of version probes.</summary>
    public int Probes => Volatile.Read(ref _probes);

    public InMemoryFileSource Write(string path, string text) => Write(path, System.Text.Encoding.UTF8.GetBytes(text));

    public InMemoryFileSource Write(string path, byte[] bytes)
    {
        long n = Interlocked.Increment(ref _writes);
        _files[path] = (bytes, new FileVersion(bytes.Length, Epoch.AddTicks(n)));
        Fire(path);
        return this;
    }

    public void Delete(string path)
    {
        _files.TryRemove(path, out _);
        Fire(path);
    }

    public ValueTask<FileVersion?> GetVersionAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _probes);
        return new ValueTask<FileVersion?>(_files.TryGetValue(path, out var file) ? file.Version : null);
    }

    public async ValueTask<FileSourceContent> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Interlocked.Increment(ref _reads);
        if (BeforeRead is { } pause)
        {
            await pause(path, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (_files.TryGetValue(path, out var file))
        {
            return new FileSourceContent(file.Bytes, file.Version, "memory:" + path);
        }

        if (_files.Keys.Any(p => p.StartsWith(path + "/", StringComparison.Ordinal)))
        {
            throw new IOException($"The path '{path}' is a directory, not a file.");
        }

        throw new FileNotFoundException($"Could not find file '{path}'.", path);
    }

    public IChangeToken? Watch(string path) =>
        CanWatch ? new CancellationChangeToken(_watches.GetOrAdd(path, _ => new CancellationTokenSource()).Token) : null;

    /// <summary>Fires the tokens of the path and of every directory above it.</summary>
    private void Fire(string path)
    {
        for (string? p = path; !string.IsNullOrEmpty(p); p = p.Contains('/', StringComparison.Ordinal) ? p[..p.LastIndexOf('/')] : null)
        {
            if (_watches.TryRemove(p, out var source))
            {
                source.Cancel();
                source.Dispose();
            }
        }
    }
}
