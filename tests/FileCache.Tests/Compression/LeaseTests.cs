using System.Buffers;
using System.Text;

namespace FileCache.Tests.Compression;

/// <summary><see cref="FileContentLease"/>: disposing twice or disposing a copy returns the rented buffer once.</summary>
public sealed class LeaseTests
{
    private static readonly byte[] Content = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("<Item Include=\"src/File.cs\" />\n", 400)));

    private static (IFileCache Cache, FileKey Key) CreateCompressed()
    {
        var cache = FileCacheFactory.Create(new FileCacheOptions { Compression = { ThresholdBytes = 64 }, Memory = { AdaptToPressure = false } }.AddProject("p", null));
        var key = cache.CreateKey("p", "f.txt");
        Assert.True(cache.Set(key, new CachedFile(key, "/f.txt", Content, default, default)));
        Assert.True(cache.GetStatistics().Total.Bytes < Content.Length, "the content is held compressed, so the lease rents a buffer");
        return (cache, key);
    }

    /// <summary>Two rents of the lease's size from the shared pool on this thread: a buffer returned twice comes back twice.</summary>
    private static void AssertPoolNotCorrupted(int length)
    {
        byte[] first = ArrayPool<byte>.Shared.Rent(length);
        byte[] second = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Assert.NotSame(first, second);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(second);
            if (!ReferenceEquals(first, second))
            {
                ArrayPool<byte>.Shared.Return(first);
            }
        }
    }

    [Fact]
    public void Dispose_Twice_ReturnsTheBufferOnce()
    {
        var (cache, key) = CreateCompressed();
        using (cache)
        {
            Assert.True(cache.TryLeaseContent(key, out var lease));
            Assert.Equal(Content, lease.Span.ToArray());

            lease.Dispose();
            lease.Dispose();

            Assert.Equal(0, lease.Length);
            Assert.True(lease.Memory.IsEmpty);
            AssertPoolNotCorrupted(Content.Length);
        }
    }

    [Fact]
    public void Dispose_OfACopyThenOfTheOriginal_ReturnsTheBufferOnce_AndTheOriginalNoLongerLendsIt()
    {
        var (cache, key) = CreateCompressed();
        using (cache)
        {
            Assert.True(cache.TryLeaseContent(key, out var lease));
            var copy = lease;
            Assert.Equal(lease, copy);

            copy.Dispose();

            Assert.Throws<ObjectDisposedException>(() => lease.Memory);
            Assert.Throws<ObjectDisposedException>(() => lease.Span.Length);
            lease.Dispose();
            AssertPoolNotCorrupted(Content.Length);
        }
    }

    [Fact]
    public void Dispose_OfAStaleCopy_AfterTheOwnerWasReused_LeavesTheNewLeaseIntact()
    {
        var (cache, key) = CreateCompressed();
        using (cache)
        {
            Assert.True(cache.TryLeaseContent(key, out var first));
            var staleCopy = first;
            first.Dispose();

            // The next lease on this thread reuses the first one's owner (and likely its buffer).
            Assert.True(cache.TryLeaseContent(key, out var second));
            staleCopy.Dispose();

            Assert.Equal(Content, second.Span.ToArray());
            second.Dispose();
            AssertPoolNotCorrupted(Content.Length);
        }
    }

    [Fact]
    public void TryLeaseContent_OfACompressedFile_OnceWarm_AllocatesNothing()
    {
        var (cache, key) = CreateCompressed();
        using (cache)
        {
            for (int i = 0; i < 3; i++)
            {
                Assert.True(cache.TryLeaseContent(key, out var warm));
                warm.Dispose();
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++)
            {
                cache.TryLeaseContent(key, out var lease);
                lease.Dispose();
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    [Fact]
    public void Dispose_OfAnUncompressedLeaseAndItsCopy_DoesNothingToTheCachedBytes()
    {
        using var cache = FileCacheFactory.Create(new FileCacheOptions { Compression = { ThresholdBytes = null }, Memory = { AdaptToPressure = false } }.AddProject("p", null));
        var key = cache.CreateKey("p", "f.txt");
        cache.Set(key, new CachedFile(key, "/f.txt", Content, default, default));

        Assert.True(cache.TryLeaseContent(key, out var lease));
        var copy = lease;
        copy.Dispose();
        copy.Dispose();

        Assert.Equal(Content, lease.Span.ToArray());
        lease.Dispose();
        Assert.True(cache.TryGet(key, out CachedFile? file));
        Assert.Equal(Content, file!.Content.ToArray());
    }
}
