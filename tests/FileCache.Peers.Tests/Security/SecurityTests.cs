using System.Net;

namespace FileCache.Peers.Tests.Security;

public sealed class SecurityTests : IDisposable
{
    private readonly TempRoot _root = new();
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        _root.Dispose();
    }

    private static async Task<PeerTestNode> OwnerOfEverythingAsync(string root, bool map = true)
    {
        var membership = new TestMembership();
        var node = await PeerTestNode.StartAsync("owner", root, membership, map: map);
        membership.Set([node.Node]);
        return node;
    }

    [Fact]
    public async Task Endpoint_SignedRequest_ServesTheFileWithItsHashAsETag()
    {
        _root.Write("a.txt", "hello");
        await using var owner = await OwnerOfEverythingAsync(_root.Path);

        using var response = await _http.SendAsync(PeerCluster.SignedRequest(owner.Address, "/_filecache/peers/file?project=p&path=a.txt&after=0"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("hello", await response.Content.ReadAsStringAsync());
        Assert.Equal($"\"{System.IO.Hashing.XxHash128.HashToUInt128("hello"u8):x32}\"", response.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task Endpoint_Unsigned_401()
    {
        _root.Write("a.txt", "hello");
        await using var owner = await OwnerOfEverythingAsync(_root.Path);

        using var response = await _http.GetAsync(new Uri(owner.Address, "/_filecache/peers/file?project=p&path=a.txt&after=0"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(1, owner.Stats().Unauthorized);
        Assert.Equal(0, owner.DiskLoads);
    }

    [Fact]
    public async Task Endpoint_SignedWithAnotherKey_401()
    {
        _root.Write("a.txt", "hello");
        await using var owner = await OwnerOfEverythingAsync(_root.Path);

        using var response = await _http.SendAsync(PeerCluster.SignedRequest(owner.Address, "/_filecache/peers/file?project=p&path=a.txt&after=0", key: new byte[32]));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Endpoint_SignatureOfAnotherPath_401()
    {
        // A valid signature replayed on another path is refused: the path and query are signed.
        _root.Write("a.txt", "hello");
        _root.Write("b.txt", "secret");
        await using var owner = await OwnerOfEverythingAsync(_root.Path);
        using var signed = PeerCluster.SignedRequest(owner.Address, "/_filecache/peers/file?project=p&path=a.txt&after=0");
        using var replay = new HttpRequestMessage(HttpMethod.Get, new Uri(owner.Address, "/_filecache/peers/file?project=p&path=b.txt&after=0"));
        foreach (var header in signed.Headers)
        {
            replay.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        using var response = await _http.SendAsync(replay);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("../outside.txt")]
    [InlineData("sub/../../outside.txt")]
    [InlineData("%2E%2E/outside.txt")]
    public async Task Endpoint_PathOutsideTheProjectRoot_400AndNothingRead(string path)
    {
        string outside = Path.Combine(Path.GetDirectoryName(_root.Path)!, "outside.txt");
        await File.WriteAllTextAsync(outside, "not yours");
        try
        {
            await using var owner = await OwnerOfEverythingAsync(_root.Path);

            using var response = await _http.SendAsync(PeerCluster.SignedRequest(owner.Address, $"/_filecache/peers/file?project=p&path={path}&after=0"));

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.DoesNotContain("not yours", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(0, owner.DiskLoads);
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [Fact]
    public async Task Endpoint_UnknownProject_400()
    {
        await using var owner = await OwnerOfEverythingAsync(_root.Path);

        using var response = await _http.SendAsync(PeerCluster.SignedRequest(owner.Address, "/_filecache/peers/file?project=nope&path=a.txt&after=0"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Endpoint_MissingFile_404()
    {
        await using var owner = await OwnerOfEverythingAsync(_root.Path);

        using var response = await _http.SendAsync(PeerCluster.SignedRequest(owner.Address, "/_filecache/peers/file?project=p&path=missing.txt&after=0"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Endpoint_NotMapped_NothingExposed()
    {
        _root.Write("a.txt", "hello");
        await using var owner = await OwnerOfEverythingAsync(_root.Path, map: false);

        using var response = await _http.SendAsync(PeerCluster.SignedRequest(owner.Address, "/_filecache/peers/file?project=p&path=a.txt&after=0"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, owner.DiskLoads);
    }

    [Fact]
    public async Task Endpoint_KeyNotOwnedInThisView_421()
    {
        var membership = new TestMembership();
        await using var node = await PeerTestNode.StartAsync("node", _root.Path, membership);
        membership.Set([new PeerNode("other", new Uri("http://127.0.0.1:9/"))]);
        _root.Write("a.txt", "hello");

        using var response = await _http.SendAsync(PeerCluster.SignedRequest(node.Address, "/_filecache/peers/file?project=p&path=a.txt&after=0"));

        Assert.Equal((HttpStatusCode)421, response.StatusCode);
        Assert.Equal(0, node.DiskLoads);
    }
}
