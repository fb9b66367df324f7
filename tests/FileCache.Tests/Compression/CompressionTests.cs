using System.Text;

namespace FileCache.Tests.Compression;

/// <summary>LZ4 compression of file contents: round trips on text and on incompressible bytes, and the non-allocating reads.</summary>
public class CompressionTests
{
    private static byte[] Text(int length)
    {
        var text = new StringBuilder();
        for (int i = 0; text.Length < length; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"<Item Include=\"src/Project{i % 37}/File{i}.cs\" Condition=\"'$(Configuration)' == 'Release'\" />\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString(0, length));
    }

    private static byte[] Random(int length)
    {
        var bytes = new byte[length];
        new Random(42).NextBytes(bytes);
        return bytes;
    }

    private static IFileCache Create(string root, int? threshold = 1024) =>
        FileCacheFactory.Create(new FileCacheOptions { Compression = { ThresholdBytes = threshold }, Memory = { AdaptToPressure = false } }.AddProject("p", root));

    private static void AssertAllReadsReturn(IFileCache cache, FileKey key, byte[] expected)
    {
        Assert.True(cache.TryGet(key, out CachedFile? file));
        Assert.Equal(expected, file!.Content.ToArray());

        // The untyped read never hands out the internal compressed form.
        Assert.True(cache.TryGetValue(key, out object? untyped));
        Assert.Equal(expected, Assert.IsType<CachedFile>(untyped).Content.ToArray());

        Assert.True(cache.TryGetContentLength(key, out int length));
        Assert.Equal(expected.Length, length);

        var buffer = new byte[length + 10];
        Assert.True(cache.TryCopyContent(key, buffer, out int written));
        Assert.Equal(expected.Length, written);
        Assert.Equal(expected, buffer.AsSpan(0, written).ToArray());

        Assert.True(cache.TryLeaseContent(key, out var lease));
        using (lease)
        {
            Assert.Equal(expected, lease.Span.ToArray());
        }
    }

    [Fact]
    public async Task ReadAsync_TextAboveThreshold_IsHeldCompressedAndReadsBackExactly()
    {
        using var dir = new TestDirectory();
        byte[] content = Text(64 * 1024);
        dir.Write("build.props", content);
        using var cache = Create(dir.Root);

        var first = await cache.ReadAsync("p", "build.props");
        Assert.Equal(content, first.Content.ToArray());

        long held = cache.GetStatistics().Total.Bytes;
        Assert.True(held < content.Length / 2, $"{held} bytes held for {content.Length} bytes of text");

        var key = cache.CreateKey("p", "build.props");
        AssertAllReadsReturn(cache, key, content);
        Assert.Equal(content, (await cache.ReadAsync("p", "build.props")).Content.ToArray());
        Assert.Equal(0, cache.GetStatistics().Total.Loads - 1);
    }

    [Fact]
    public void Set_RandomBytes_StaysUncompressedAndReadsBackExactly()
    {
        using var cache = Create(root: null!);
        byte[] content = Random(64 * 1024);
        var key = cache.CreateKey("p", "blob.bin");
        var file = new CachedFile(key, "/data/blob.bin", content, new FileVersion(content.Length, DateTimeOffset.UnixEpoch), DateTimeOffset.UnixEpoch);

        Assert.True(cache.Set(key, file));

        // Incompressible: LZ4 saves nothing, so the original is kept and counted in full.
        Assert.True(cache.GetStatistics().Total.Bytes >= content.Length);
        Assert.True(cache.TryGet(key, out CachedFile? hit));
        Assert.Same(file, hit);
        AssertAllReadsReturn(cache, key, content);

        Assert.True(cache.TryLeaseContent(key, out var lease));
        Assert.True(lease.Memory.Equals(file.Content), "an uncompressed file is lent without a copy");
        lease.Dispose();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(70_000)]
    [InlineData(1_000_003)]
    public void Set_TextOfManySizes_RoundTrips(int length)
    {
        using var cache = Create(root: null!, threshold: 64);
        byte[] content = Text(length);
        var key = cache.CreateKey("p", "f.txt");
        Assert.True(cache.Set(key, new CachedFile(key, "/f.txt", content, default, default)));

        AssertAllReadsReturn(cache, key, content);
    }

    [Fact]
    public void Set_BelowThresholdOrCompressionOff_IsHeldAsIs()
    {
        byte[] content = Text(4096);
        using var off = Create(root: null!, threshold: null);
        using var high = Create(root: null!, threshold: 8192);
        foreach (var cache in new[] { off, high })
        {
            var key = cache.CreateKey("p", "f.txt");
            var file = new CachedFile(key, "/f.txt", content, default, default);
            cache.Set(key, file);
            Assert.True(cache.TryGet(key, out CachedFile? hit));
            Assert.Same(file, hit);
            Assert.True(cache.GetStatistics().Total.Bytes >= content.Length);
        }
    }

    [Fact]
    public void TryCopyContent_DestinationTooShort_ThrowsNamingIt_AndMissReturnsFalse()
    {
        using var cache = Create(root: null!);
        byte[] content = Text(10_000);
        var key = cache.CreateKey("p", "f.txt");
        cache.Set(key, new CachedFile(key, "/f.txt", content, default, default));

        var error = Assert.Throws<ArgumentException>(() => cache.TryCopyContent(key, new byte[100], out _));
        Assert.Equal("destination", error.ParamName);

        var missing = cache.CreateKey("p", "missing.txt");
        Assert.False(cache.TryCopyContent(missing, new byte[100], out int written));
        Assert.Equal(0, written);
        Assert.False(cache.TryLeaseContent(missing, out var lease));
        Assert.Equal(0, lease.Length);
    }

    [Theory]
    [InlineData(10, 0.25)]
    [InlineData(1024, 0.0)]
    [InlineData(1024, 1.0)]
    public void Options_InvalidCompressionSettings_FailAtStartup(int threshold, double savings)
    {
        var options = new FileCacheOptions { Compression = { ThresholdBytes = threshold, MinSavings = savings } }.AddProject("p", null);
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => FileCacheFactory.Create(options));
        Assert.Single(error.Failures);
    }
}
