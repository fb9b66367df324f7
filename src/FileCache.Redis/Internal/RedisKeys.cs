using StackExchange.Redis;

namespace FileCache.Redis.Internal;

/// <summary>
/// The server keys of one cluster. All start with <c>filecache:{name}:</c>: the braces are a Redis Cluster hash tag, so
/// every key a script touches is in one slot (and Garnet locks exactly the keys each script names in KEYS).
/// </summary>
internal sealed class RedisKeys
{
    public RedisKeys(string cluster)
    {
        Prefix = $"filecache:{{{cluster}}}:";
        Sequence = Prefix + "seq";
        Log = Prefix + "log";
        Incarnation = Prefix + "incarnation";
        Members = Prefix + "members";
        Applied = Prefix + "applied";
        Addresses = Prefix + "addresses";
        Pointers = Prefix + "pointers";
        Barriers = Prefix + "barriers";
        Doorbell = RedisChannel.Literal(Prefix + "doorbell");
        AckDoorbell = RedisChannel.Literal(Prefix + "acks");
    }

    /// <summary>The common prefix (also of the L2's payload keys).</summary>
    public string Prefix { get; }

    /// <summary>String: the cluster's last sequence number (INCR).</summary>
    public RedisKey Sequence { get; }

    /// <summary>Sorted set: the log, members <c>seq:payload</c> scored by seq.</summary>
    public RedisKey Log { get; }

    /// <summary>String: a random id written when the server has none, so a server that lost its data is recognized.</summary>
    public RedisKey Incarnation { get; }

    /// <summary>Hash: node id to lease expiry (server milliseconds).</summary>
    public RedisKey Members { get; }

    /// <summary>Hash: node id to the last sequence it applied.</summary>
    public RedisKey Applied { get; }

    /// <summary>Hash: node id to the address it advertises to its peers (<see cref="RedisCoherenceOptions.AdvertisedAddress"/>).</summary>
    public RedisKey Addresses { get; }

    /// <summary>Hash: <c>project\npath</c> to <c>seq|hash|length|ticks|writtenMs</c>, or <c>seq|-</c> (a tombstone).</summary>
    public RedisKey Pointers { get; }

    /// <summary>Hash: <c>p:project</c> or <c>*</c> to the sequence of the last invalidation wider than a key.</summary>
    public RedisKey Barriers { get; }

    /// <summary>Pub/sub: "look at the log" (the sequence appended); a lost message costs a poll interval.</summary>
    public RedisChannel Doorbell { get; }

    /// <summary>Pub/sub: "a node applied up to" (wakes acknowledgement waiters early).</summary>
    public RedisChannel AckDoorbell { get; }

    /// <summary>The L2 key of a payload.</summary>
    public string Payload(UInt128 hash) => $"{Prefix}blob:{hash:x32}";

    /// <summary>The pointer field of a file.</summary>
    public static string PointerField(string project, string path) => project + "\n" + path;

    /// <summary>The barrier field of a project.</summary>
    public static string ProjectBarrier(string project) => "p:" + project;

    /// <summary>The barrier field of every project.</summary>
    public const string GlobalBarrier = "*";
}
