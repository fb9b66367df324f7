using System.Text;
using FileCache.Tests.Sources;
using FileCache.Warming;
using Microsoft.Extensions.Logging;

namespace FileCache.Tests.Warming;

public sealed class HotSetManifestTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "fc-manifest-" + Guid.NewGuid().ToString("N"));

    private static HotSet Sample(string project = "p") => new(project, new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero),
    [
        new HotSetEntry("src/a.cs", null, new FileVersion(10, new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero)), 9, 346, []),
        new HotSetEntry("src/a.cs", "ast", null, 5, 1000, [new HotSetDependency(project, "src/a.cs", null), new HotSetDependency("other", "b", "v")]),
        new HotSetEntry("b.txt", null, new FileVersion(0, DateTimeOffset.UnixEpoch), 1, 336, []),
    ]);

    [Fact]
    public void Serialize_ThenParse_RoundTripsEveryField()
    {
        var hotSet = Sample();
        Assert.True(HotSetManifest.TryParse(HotSetManifest.Serialize(hotSet), "p", out var read, out string? error), error);
        Assert.Equal(hotSet.Project, read.Project);
        Assert.Equal(hotSet.TakenAt, read.TakenAt);
        Assert.Equal(hotSet.Entries.Count, read.Entries.Count);
        for (int i = 0; i < hotSet.Entries.Count; i++)
        {
            var (expected, actual) = (hotSet.Entries[i], read.Entries[i]);
            Assert.Equal((expected.Path, expected.Variant, expected.Version, expected.Rank, expected.Size), (actual.Path, actual.Variant, actual.Version, actual.Rank, actual.Size));
            Assert.Equal(expected.Dependencies, actual.Dependencies);
        }
    }

    [Fact]
    public void TryParse_EveryFlippedByte_IsRefused()
    {
        byte[] bytes = HotSetManifest.Serialize(Sample());
        for (int i = 0; i < bytes.Length; i++)
        {
            byte[] corrupt = (byte[])bytes.Clone();
            corrupt[i] ^= 0x5A;
            Assert.False(HotSetManifest.TryParse(corrupt, "p", out _, out string? error), $"byte {i} flipped was accepted");
            Assert.False(string.IsNullOrEmpty(error));
        }
    }

    [Fact]
    public void TryParse_EveryTruncation_IsRefused()
    {
        byte[] bytes = HotSetManifest.Serialize(Sample());
        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.False(HotSetManifest.TryParse(bytes.AsSpan(0, length), "p", out _, out _), $"{length} of {bytes.Length} bytes accepted");
        }
    }

    [Fact]
    public void TryParse_ForeignFiles_AreRefusedWithTheReason()
    {
        Assert.False(HotSetManifest.TryParse("{\"project\":\"p\",\"entries\":[]}"u8, "p", out _, out string? json));
        Assert.Contains("magic", json, StringComparison.Ordinal);
        Assert.False(HotSetManifest.TryParse(Encoding.UTF8.GetBytes(new string('x', 100)), "p", out _, out _));
        Assert.False(HotSetManifest.TryParse([], "p", out _, out _));
        Assert.False(HotSetManifest.TryParse(HotSetManifest.Serialize(Sample("other")), "p", out _, out string? project));
        Assert.Contains("other", project, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_OtherFormatVersion_IsRefused()
    {
        byte[] bytes = HotSetManifest.Serialize(Sample());
        bytes[4] = 0; // format version 0: an older layout this build does not read
        Assert.False(HotSetManifest.TryParse(bytes, "p", out _, out string? error));
        Assert.Contains("format version 0", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_CountLargerThanTheBytes_IsRefusedWithoutAllocatingForIt()
    {
        // A well-formed header over a payload claiming a million entries: refused, not trusted.
        var hotSet = new HotSet("p", DateTimeOffset.UnixEpoch, []);
        byte[] bytes = HotSetManifest.Serialize(hotSet);
        Assert.True(HotSetManifest.TryParse(bytes, "p", out _, out _));
        byte[] lying = (byte[])bytes.Clone();
        BitConverter.TryWriteBytes(lying.AsSpan(lying.Length - 4), 1_000_000);
        Fix(lying);
        Assert.False(HotSetManifest.TryParse(lying, "p", out _, out string? error));
        Assert.Contains("malformed", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("truncated")]
    [InlineData("foreign-project")]
    [InlineData("old-format")]
    [InlineData("directory")]
    public async Task Warm_BadManifestOnDisk_StartsColdWithAWarning(string kind)
    {
        var source = WarmingFixture.Files(10);
        using var fixture = new WarmingFixture(source, o => o.Warming.ManifestFolder = _folder);
        var store = new ManifestHotSetStore(_folder);
        string path = store.PathOf("p");
        Directory.CreateDirectory(_folder);
        byte[] good = HotSetManifest.Serialize(new HotSet("p", DateTimeOffset.UnixEpoch, [new HotSetEntry("f1", null, null, 1, 100, [])]));
        switch (kind)
        {
            case "garbage":
                await File.WriteAllBytesAsync(path, Encoding.UTF8.GetBytes("not a manifest at all"));
                break;
            case "truncated":
                await File.WriteAllBytesAsync(path, good.AsSpan(0, good.Length - 3).ToArray());
                break;
            case "foreign-project":
                await File.WriteAllBytesAsync(path, HotSetManifest.Serialize(new HotSet("q", DateTimeOffset.UnixEpoch, [new HotSetEntry("f1", null, null, 1, 100, [])])));
                break;
            case "old-format":
                good[4] = 0;
                await File.WriteAllBytesAsync(path, good);
                break;
            default:
                Directory.CreateDirectory(path); // unreadable as a file
                break;
        }

        var result = await fixture.Warmer.WarmAsync();
        Assert.Equal(0, result.Total);
        Assert.Equal(0, source.Reads);
        Assert.Contains(fixture.Logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("starts cold", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Save_ReplacesTheManifestAtomically_AndLeavesNoTemporaryFile()
    {
        var store = new ManifestHotSetStore(_folder);
        await store.SaveAsync(Sample());
        await store.SaveAsync(new HotSet("p", DateTimeOffset.UnixEpoch, [new HotSetEntry("only", null, null, 1, 1, [])]));
        var read = await store.LoadAsync("p");
        Assert.Equal("only", Assert.Single(read!.Entries).Path);
        Assert.Single(Directory.GetFiles(_folder));
    }

    /// <summary>Recomputes the checksum after a deliberate edit (the test of the structural checks behind it).</summary>
    private static void Fix(byte[] bytes)
    {
        ulong hash = System.IO.Hashing.XxHash64.HashToUInt64(bytes.AsSpan(24));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(16), hash);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
