using FileCache.Peers.Routing;
using FileCache.Peers.Security;
using Microsoft.Extensions.DependencyInjection;

namespace FileCache.Peers.Tests;

/// <summary>Helpers shared by the routing tests.</summary>
public static class PeerCluster
{
    /// <summary>Starts <paramref name="count"/> nodes over one folder, sharing one membership of all of them.</summary>
    public static async Task<PeerTestNode[]> StartAsync(int count, string root, Action<PeerOptions>? configure = null)
    {
        var membership = new TestMembership();
        var nodes = new PeerTestNode[count];
        for (int i = 0; i < count; i++)
        {
            nodes[i] = await PeerTestNode.StartAsync($"node-{i}", root, membership, configure);
        }

        membership.Set(nodes.Select(n => n.Node));
        return nodes;
    }

    /// <summary>Paths (file{i}.txt) owned by <paramref name="owner"/> under <paramref name="placement"/>.</summary>
    public static IEnumerable<string> PathsOwnedBy(PeerPlacement placement, string owner, string prefix = "file") =>
        Enumerable.Range(0, 10_000).Select(i => $"{prefix}{i}.txt").Where(p => placement.GetOwner("p", p)!.Id == owner);

    /// <summary>A request signed as a peer would sign it (the test's key unless another is given).</summary>
    public static HttpRequestMessage SignedRequest(Uri node, string pathAndQuery, byte[]? key = null, string caller = "tester")
    {
        var uri = new Uri(node, pathAndQuery);
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        long now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        request.Headers.Add(PeerSigner.CallerHeader, caller);
        request.Headers.Add(PeerSigner.TimeHeader, now.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(PeerSigner.SignatureHeader, new PeerSigner(key ?? PeerTestNode.Key, TimeSpan.FromMinutes(5)).Sign("GET", uri.PathAndQuery, caller, now));
        return request;
    }

    public static PeerStatistics Stats(this PeerTestNode node) => node.Peers.GetStatistics();

    internal static PeerRouter Router(this PeerTestNode node) => node.Services.GetRequiredService<PeerRouter>();
}
