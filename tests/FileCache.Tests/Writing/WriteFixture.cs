using FileCache.Invalidation;
using FileCache.Storage;
using FileCache.Writing;

namespace FileCache.Tests.Writing;

/// <summary>Caches rooted in a temporary directory for write tests; no watcher unless asked (its echoes are tested apart).</summary>
internal static class WriteFixture
{
    public static DefaultFileCache Create(string root, TimeProvider time, Action<FileCacheOptions>? configure = null, System.Diagnostics.Metrics.IMeterFactory? meters = null)
    {
        var options = new FileCacheOptions { MaxBytes = 1L << 30 };
        options.Invalidation.Mode = ValidationMode.None;
        options.Writing.FlushToDisk = false;
        options.AddProject("p", root);
        configure?.Invoke(options);
        return new DefaultFileCache(options, time, meters);
    }

    public static byte[] Bytes(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    public static string Text(ReadOnlyMemory<byte> bytes) => System.Text.Encoding.UTF8.GetString(bytes.Span);

    public static string? Disk(string root, string path) => File.Exists(Path.Join(root, path)) ? File.ReadAllText(Path.Join(root, path)) : null;

    public static string[] TempFiles(string root) => Directory.GetFiles(root, AtomicFile.TempPrefix + "*", SearchOption.AllDirectories);
}
