using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace FileCache.Peers;

/// <summary>
/// Who owns a file: weighted rendezvous (highest-random-weight) hashing. The key (project and path, UTF-8) is hashed once
/// with XxHash3; each node's score is <c>weight / -ln(u)</c>, where <c>u</c> in (0, 1) is XxHash3 of the key's hash and the
/// node's id hash; the nodes with the highest scores are the owners, best first. Every process computes the same owners
/// from the same nodes (no <c>string.GetHashCode</c>, no order dependence); removing a node moves only its keys, adding
/// one takes about its share from each of the others. Immutable: a membership change builds a new placement.
/// </summary>
public sealed class PeerPlacement
{
    private const int StackKeyBytes = 512;
    private readonly PeerNode[] _nodes;
    private readonly ulong[] _nodeHashes;
    private readonly double[] _weights;

    /// <summary>Initializes a new instance of the <see cref="PeerPlacement"/> class.</summary>
    /// <param name="nodes">The nodes (any order; ids must be distinct).</param>
    /// <exception cref="ArgumentException">Two nodes share an id.</exception>
    public PeerPlacement(IEnumerable<PeerNode> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);

        // Sorted by id: ties (equal scores) resolve the same way in every process, whatever order the nodes came in.
        _nodes = [.. nodes.OrderBy(static n => n.Id, StringComparer.Ordinal)];
        for (int i = 1; i < _nodes.Length; i++)
        {
            if (string.Equals(_nodes[i - 1].Id, _nodes[i].Id, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Two peers share the id '{_nodes[i].Id}'.", nameof(nodes));
            }
        }

        _nodeHashes = new ulong[_nodes.Length];
        _weights = new double[_nodes.Length];
        for (int i = 0; i < _nodes.Length; i++)
        {
            _nodeHashes[i] = XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(_nodes[i].Id));
            _weights[i] = _nodes[i].Weight;
        }
    }

    /// <summary>Gets the nodes, ordered by id.</summary>
    public IReadOnlyList<PeerNode> Nodes => _nodes;

    /// <summary>Hashes a key as placement does: XxHash3 (seed 0) of <c>project</c>, a line feed and <c>path</c>, in UTF-8.</summary>
    /// <param name="project">The project's name.</param>
    /// <param name="path">The file's canonical path relative to the project's root.</param>
    /// <returns>The 64-bit hash.</returns>
    public static ulong HashKey(string project, string path)
    {
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(path);
        int max = Encoding.UTF8.GetMaxByteCount(project.Length + path.Length + 1);
        byte[]? rented = null;
        Span<byte> buffer = max <= StackKeyBytes ? stackalloc byte[StackKeyBytes] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            int written = Encoding.UTF8.GetBytes(project, buffer);
            buffer[written++] = (byte)'\n';
            written += Encoding.UTF8.GetBytes(path, buffer[written..]);
            return XxHash3.HashToUInt64(buffer[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Returns the owner of a file (the best-scoring node), or <see langword="null"/> when there are no nodes.</summary>
    /// <param name="project">The project's name.</param>
    /// <param name="path">The file's canonical path.</param>
    /// <returns>The owner.</returns>
    public PeerNode? GetOwner(string project, string path)
    {
        Span<int> best = stackalloc int[1];
        return Rank(HashKey(project, path), best) == 0 ? null : _nodes[best[0]];
    }

    /// <summary>Returns the <paramref name="count"/> owners of a file, best first (fewer when there are fewer nodes).</summary>
    /// <param name="project">The project's name.</param>
    /// <param name="path">The file's canonical path.</param>
    /// <param name="count">How many owners (the replica count); at least 1.</param>
    /// <returns>The owners.</returns>
    public IReadOnlyList<PeerNode> GetOwners(string project, string path, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var indices = new int[Math.Min(count, _nodes.Length)];
        int n = Rank(HashKey(project, path), indices);
        var owners = new PeerNode[n];
        for (int i = 0; i < n; i++)
        {
            owners[i] = _nodes[indices[i]];
        }

        return owners;
    }

    /// <summary>Fills <paramref name="best"/> with the indices of the best-scoring nodes, best first; returns how many.</summary>
    internal int Rank(ulong keyHash, Span<int> best)
    {
        int want = Math.Min(best.Length, _nodes.Length);
        Span<double> scores = stackalloc double[Math.Max(want, 1)];
        int have = 0;
        Span<byte> pair = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(pair, keyHash);
        for (int i = 0; i < _nodes.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(pair[8..], _nodeHashes[i]);
            ulong h = XxHash3.HashToUInt64(pair);

            // u in (0, 1) from the top 53 bits; -ln(u) is exponential, so weight / -ln(u) wins with probability proportional
            // to the weight (the weighted rendezvous rule).
            double u = ((h >> 11) + 0.5) * (1.0 / (1UL << 53));
            double score = _weights[i] / -Math.Log(u);

            // Insertion into the short best-first list; a later node wins a tie only by a strictly higher score.
            int at = have;
            while (at > 0 && score > scores[at - 1])
            {
                at--;
            }

            if (at >= want)
            {
                continue;
            }

            int last = Math.Min(have, want - 1);
            for (int j = last; j > at; j--)
            {
                scores[j] = scores[j - 1];
                best[j] = best[j - 1];
            }

            scores[at] = score;
            best[at] = i;
            have = Math.Min(have + 1, want);
        }

        return have;
    }

    /// <summary>Gets the index of a node by id, or -1.</summary>
    internal int IndexOf(string id)
    {
        for (int i = 0; i < _nodes.Length; i++)
        {
            if (string.Equals(_nodes[i].Id, id, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Gets a node by index.</summary>
    internal PeerNode this[int index] => _nodes[index];
}
