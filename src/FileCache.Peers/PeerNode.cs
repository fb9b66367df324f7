namespace FileCache.Peers;

/// <summary>A node that may own files: its identity (what placement hashes), its address and its weight.</summary>
public sealed record PeerNode
{
    /// <summary>Initializes a new instance of the <see cref="PeerNode"/> class.</summary>
    /// <param name="id">The node's identity, unique in the cluster; placement hashes it, so it must be the same on every node.</param>
    /// <param name="address">Where its peer endpoints are mapped: an absolute <c>http</c> or <c>https</c> URI.</param>
    /// <param name="weight">Its share of the keys relative to the others (2 owns about twice as many as 1); positive and finite.</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty, <paramref name="address"/> is not an absolute http(s) URI, or <paramref name="weight"/> is not positive and finite.</exception>
    public PeerNode(string id, Uri address, double weight = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(address);
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"A peer's address must be an absolute http or https URI (was '{address}').", nameof(address));
        }

        if (!double.IsFinite(weight) || weight <= 0)
        {
            throw new ArgumentException($"A peer's weight must be positive and finite (was {weight}).", nameof(weight));
        }

        Id = id;
        Address = address;
        Weight = weight;
    }

    /// <summary>Gets the node's identity.</summary>
    public string Id { get; }

    /// <summary>Gets the address of its peer endpoints.</summary>
    public Uri Address { get; }

    /// <summary>Gets its weight.</summary>
    public double Weight { get; }
}
