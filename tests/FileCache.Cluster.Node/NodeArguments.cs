using System.Globalization;

namespace FileCache.Cluster.Node;

/// <summary>The node's command line: <c>--name N --root DIR --history FILE [--server host:port] ...</c>.</summary>
internal sealed class NodeArguments
{
    public required string Name { get; init; }

    public required string Root { get; init; }

    public required string History { get; init; }

    /// <summary>Gets the folder of the per-file write locks (outside the root: nothing there is read).</summary>
    public required string Locks { get; init; }

    /// <summary>Gets the server, or null for a node without coherence (a plain local cache: the baseline that breaks).</summary>
    public string? Server { get; init; }

    public string Cluster { get; init; } = "harness";

    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan Poll { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan Revalidation { get; init; } = TimeSpan.FromSeconds(2);

    public bool UseL2 { get; init; }

    /// <summary>
    /// Gets a value indicating whether the hit-path lease check is off (<c>--no-lease-check</c>): the node does not hand
    /// its lease deadline to the cache, so only timers notice a lapsed lease. The defect the paused-node scenario catches.
    /// </summary>
    public bool NoLeaseCheck { get; init; }

    /// <summary>
    /// Gets a value indicating whether this node watches the folder (<c>--watch</c>) and publishes what its watcher sees;
    /// without it (the default) only the cluster's log tells the node about changes.
    /// </summary>
    public bool Watch { get; init; }

    /// <summary>Gets the deliberate defect, or null: <c>stale-memo</c> serves the first copy of each file forever.</summary>
    public string? Broken { get; init; }

    /// <summary>Gets the loopback port to take commands on as well as stdin (0: none).</summary>
    public int Listen { get; init; }

    public int PayloadSize { get; init; } = 4096;

    /// <summary>Gets the loopback port of the node's peer endpoint (0: no peer layer).</summary>
    public int PeersListen { get; init; }

    /// <summary>Gets the address the node advertises to its peers (a fault proxy in front of its endpoint), or null: its own.</summary>
    public string? PeersAdvertise { get; init; }

    /// <summary>Gets a fixed membership <c>id=url,...</c> for this node's view, or null: the cluster's member table.</summary>
    public string? PeersStatic { get; init; }

    /// <summary>Gets the peer request timeout.</summary>
    public TimeSpan PeersTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets other coherence options by name (<c>--option Name=Value</c>, repeatable), set after the ones above: public
    /// options, or an internal test switch of the package (found by reflection) that turns a fix off to show the checker
    /// fails without it.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Options { get; init; } = [];

    public static NodeArguments Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var options = new List<KeyValuePair<string, string>>();
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{args[i]}'.", nameof(args));
            }

            if (args[i] == "--option" && i + 1 < args.Length && args[i + 1].Split('=', 2) is [string key, string value])
            {
                options.Add(new(key, value));
                i++;
            }
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                values[args[i][2..]] = args[++i];
            }
            else
            {
                flags.Add(args[i][2..]);
            }
        }

        string Required(string name) => values.TryGetValue(name, out string? v) ? v : throw new ArgumentException($"--{name} is required.", nameof(args));
        TimeSpan Millis(string name, TimeSpan fallback) => values.TryGetValue(name, out string? v) ? TimeSpan.FromMilliseconds(int.Parse(v, CultureInfo.InvariantCulture)) : fallback;
        string root = Path.GetFullPath(Required("root"));
        string? broken = values.GetValueOrDefault("broken");
        if (broken is not null and not "stale-memo")
        {
            throw new ArgumentException($"--broken must be stale-memo (was '{broken}').", nameof(args));
        }

        return new NodeArguments
        {
            Name = Required("name"),
            Root = root,
            History = Path.GetFullPath(Required("history")),
            Locks = values.TryGetValue("locks", out string? locks) ? Path.GetFullPath(locks) : root.TrimEnd('/') + ".locks",
            Server = values.GetValueOrDefault("server"),
            Cluster = values.GetValueOrDefault("cluster") ?? "harness",
            Lease = Millis("lease-ms", TimeSpan.FromSeconds(1)),
            Poll = Millis("poll-ms", TimeSpan.FromMilliseconds(100)),
            AckTimeout = Millis("ack-timeout-ms", TimeSpan.FromSeconds(5)),
            Revalidation = Millis("revalidate-ms", TimeSpan.FromSeconds(2)),
            UseL2 = flags.Contains("l2"),
            NoLeaseCheck = flags.Contains("no-lease-check"),
            Watch = flags.Contains("watch"),
            Broken = broken,
            Listen = values.TryGetValue("listen", out string? listen) ? int.Parse(listen, CultureInfo.InvariantCulture) : 0,
            PayloadSize = values.TryGetValue("payload", out string? size) ? int.Parse(size, CultureInfo.InvariantCulture) : 4096,
            Options = options,
            PeersListen = values.TryGetValue("peers-listen", out string? peers) ? int.Parse(peers, CultureInfo.InvariantCulture) : 0,
            PeersAdvertise = values.GetValueOrDefault("peers-advertise"),
            PeersStatic = values.GetValueOrDefault("peers-static"),
            PeersTimeout = Millis("peers-timeout-ms", TimeSpan.FromSeconds(1)),
        };
    }
}
