using System.Text.Json.Serialization;

namespace FileCache.Cluster;

/// <summary>The kinds of operation a node appends to its history.</summary>
public static class HistoryOps
{
    /// <summary>A read through the cache.</summary>
    public const string Read = "read";

    /// <summary>An invalidation of a path whose file was not changed by this node.</summary>
    public const string Invalidate = "invalidate";

    /// <summary>A new version written to the disk, then invalidated.</summary>
    public const string Write = "write";
}

/// <summary>The outcomes an invalidation records.</summary>
public static class InvalidationOutcomes
{
    /// <summary>Every live member applied it (or its lease ran out) before the call returned.</summary>
    public const string Acknowledged = "acknowledged";

    /// <summary>Sent without waiting for acknowledgements (the caller accepts bounded staleness).</summary>
    public const string Fired = "fired";

    /// <summary>Applied locally and logged, but not acknowledged by every member within the timeout.</summary>
    public const string Unacknowledged = "unacknowledged";

    /// <summary>The call failed (the server unreachable, for example).</summary>
    public const string Failed = "failed";
}

/// <summary>
/// One operation of one node, as a line of its history file. Times are <see cref="System.Diagnostics.Stopwatch"/>
/// timestamps in nanoseconds: on Linux CLOCK_MONOTONIC, shared by every process of the machine, so histories of
/// several processes can be ordered against each other (the checker needs nothing else from clocks).
/// </summary>
public sealed record HistoryRecord
{
    /// <summary>Gets the node's name.</summary>
    [JsonPropertyName("node")]
    public required string Node { get; init; }

    /// <summary>Gets the operation (<see cref="HistoryOps"/>).</summary>
    [JsonPropertyName("op")]
    public required string Op { get; init; }

    /// <summary>Gets the path relative to the shared folder.</summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>Gets when the operation started (monotonic nanoseconds).</summary>
    [JsonPropertyName("start")]
    public long Start { get; init; }

    /// <summary>Gets when the operation returned (monotonic nanoseconds).</summary>
    [JsonPropertyName("end")]
    public long End { get; init; }

    /// <summary>
    /// Gets the version: for a read, the version of the payload returned (-1 when the file was reported missing);
    /// for a write, the version written; for an invalidation, the version on disk just before it was sent.
    /// </summary>
    [JsonPropertyName("version")]
    public long Version { get; init; }

    /// <summary>Gets whether the operation completed without an exception.</summary>
    [JsonPropertyName("ok")]
    public bool Ok { get; init; }

    /// <summary>Gets the exception's type and message, when it failed.</summary>
    [JsonPropertyName("error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }

    /// <summary>Gets, for a read, the hash the payload declares in its header (hex).</summary>
    [JsonPropertyName("declaredHash")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DeclaredHash { get; init; }

    /// <summary>Gets, for a read, the hash of the payload's body as returned (hex).</summary>
    [JsonPropertyName("payloadHash")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PayloadHash { get; init; }

    /// <summary>Gets, for a read, the content hash of the version the cache reported, when it computed one (hex).</summary>
    [JsonPropertyName("versionHash")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? VersionHash { get; init; }

    /// <summary>Gets, for a write, when the new file was in place on disk (monotonic nanoseconds).</summary>
    [JsonPropertyName("written")]
    public long Written { get; init; }

    /// <summary>Gets, for an invalidation or write, "ack" or "fire".</summary>
    [JsonPropertyName("mode")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Mode { get; init; }

    /// <summary>Gets, for an invalidation or write, its outcome (<see cref="InvalidationOutcomes"/>).</summary>
    [JsonPropertyName("outcome")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Outcome { get; init; }

    /// <summary>Gets, for an invalidation or write, the sequence number the cache stamped on it.</summary>
    [JsonPropertyName("sequence")]
    public long Sequence { get; init; }

    /// <summary>Gets whether the operation is an acknowledged invalidation (an invalidate or write the cluster acknowledged).</summary>
    [JsonIgnore]
    public bool IsAcknowledged => Op is HistoryOps.Invalidate or HistoryOps.Write && Outcome == InvalidationOutcomes.Acknowledged;
}
