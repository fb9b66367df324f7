using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace FileCache.Peers.Membership;

/// <summary>
/// Members from DNS: a name (a headless service, for example) resolved every <see cref="PeerOptions.DnsRefreshInterval"/>;
/// each address is a node, its id and address <c>scheme://ip:port</c>. A node whose address stops resolving is dropped
/// at the next resolution.
/// </summary>
internal sealed class DnsPeerMembership : RefreshingPeerMembership
{
    private readonly string _name;
    private readonly int _port;
    private readonly string _scheme;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;

    public DnsPeerMembership(PeerOptions options, TimeProvider time, ILogger logger)
        : base(time, options.DnsRefreshInterval, logger)
    {
        _name = options.DnsName!;
        _port = options.DnsPort;
        _scheme = options.DnsScheme;
        _resolve = options.DnsResolver ?? Dns.GetHostAddressesAsync;
    }

    /// <summary>The id (and address) a node at <paramref name="address"/> gets: <c>scheme://ip:port</c>.</summary>
    public static string IdOf(string scheme, IPAddress address, int port) =>
        new UriBuilder(scheme, address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString(), port).Uri.GetLeftPart(UriPartial.Authority);

    protected override async Task<IReadOnlyList<PeerNode>> ReadAsync(CancellationToken cancellationToken)
    {
        var addresses = await _resolve(_name, cancellationToken).ConfigureAwait(false);
        return [.. addresses
            .Select(a => IdOf(_scheme, a, _port))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(id => new PeerNode(id, new Uri(id)))];
    }
}
