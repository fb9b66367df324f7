using System.Collections.Concurrent;
using FileCache.Statistics;

namespace FileCache.Storage;

/// <summary>One project: its entries, its loads under way, its quota and its counters.</summary>
internal sealed class Partition
{
    public Partition(FileCacheProjectOptions options, string? canonicalRoot)
    {
        Name = options.Name;
        NameHash = HashName(options.Name);
        Root = canonicalRoot;
        IgnoreCase = options.IgnoreCase;
        Quota = options.MaxBytes ?? long.MaxValue;
        Identity = new ProjectIdentity(Name, NameHash, IgnoreCase, canonicalRoot) { Partition = this };
        Paths = new Invalidation.PathIndex(options.IgnoreCase, Identity);
        Map = new EntryMap(options.IgnoreCase);
        Hits = Counters.Hits;
        Source = options.Source
            ?? (options.FileProvider is { } provider ? new Sources.FileProviderSource(provider)
            : canonicalRoot is not null ? new Sources.PhysicalFileSource(canonicalRoot) : null);
    }

    /// <summary>Where the project's files are read from on a miss; null for a derived-data-only project.</summary>
    public Sources.IFileSource? Source { get; }

    /// <summary>The change-token registrations of files read from a source that can watch (not a root directory), by path.</summary>
    /// <remarks>Starts with a table of a few buckets (not the default 31): most projects never have one.</remarks>
    public ConcurrentDictionary<string, IDisposable> SourceWatches { get; } = new(Environment.ProcessorCount, 0, StringComparer.Ordinal);

    /// <summary>True when <see cref="Source"/> is the project's root directory (watched and checked against the disk by the cache itself).</summary>
    public bool IsPhysical => Root is not null;

    public string Name { get; }

    public int NameHash { get; }

    /// <summary>The canonical absolute root (with <c>/</c> separators), or null for a derived-data-only project.</summary>
    public string? Root { get; }

    public bool IgnoreCase { get; }

    /// <summary>The name, hash, case rule and root, shared by the project's cached files (which keep no full path of their own).</summary>
    public ProjectIdentity Identity { get; }

    public long Quota { get; }

    public EntryMap Map { get; }

    /// <summary>The loads under way, by key; starts with a table of a few buckets and grows with concurrent misses.</summary>
    public ConcurrentDictionary<FileKey, LoadOperation> InFlight { get; } = new(Environment.ProcessorCount, 0);

    /// <summary>The trie of the entries' paths, for directory and glob invalidation; guarded by the store lock.</summary>
    public Invalidation.PathIndex Paths { get; }

    /// <summary>Sentinel of this partition's eviction list (PartNext is the least recently promoted).</summary>
    public CacheEntry ListHead { get; } = new();

    public readonly PartitionCounters Counters = new();

    /// <summary>The cells of <see cref="PartitionCounters.Hits"/>, one load closer to a hit (the same array).</summary>
    public readonly StripedCounter Hits;

    /// <summary>Sampled hits for the hot-key statistics; null when statistics are off.</summary>
    public HitSamples? Samples;

    // Guarded by the store lock; read without it through Volatile.Read.
    public long Bytes;
    public long Count;

    /// <summary>Bumped (under the store lock) by every project-wide invalidation: loads started before it must not insert.</summary>
    public long Generation;

    // The admission policy's request clock (Eviction/RequestClock): this project's slot in its list and the counters'
    // values when it last read them; guarded by the store lock.
    public int ClockSlot = -1;
    public long ClockHits;
    public long ClockMisses;

    /// <summary>Set (under the store lock) when the project is unregistered.</summary>
    public bool Removed;

    /// <summary>True while the project's watch is being set up: nothing read from disk is cached meanwhile (cleared under the store lock).</summary>
    public volatile bool WatchPending;

    /// <summary>Completes when the project's watch set-up has finished (null when it had none).</summary>
    public Task? WatchReady;

    public static int HashName(string name) => Keys.KeyHash.Of(name);
}

/// <summary>
/// A partition's counters. Those bumped without a lock (hits, misses, loads, load failures) are striped
/// Interlocked counters. Those bumped only under the store lock (rejections, removals, invalidations) are
/// plain fields: the lock already serializes them, so striping would add cost and no scalability.
/// </summary>
internal sealed class PartitionCounters
{
    public readonly StripedCounter Hits = new();
    public readonly StripedCounter Misses = new();
    public readonly StripedCounter Loads = new();
    public readonly StripedCounter LoadFailures = new();
    public long Rejected;
    public long Invalidations;
    public readonly long[] Removals = new long[5];

    public CacheCounters Snapshot(long entries, long bytes) => new(
        Hits.Sum(),
        Misses.Sum(),
        Loads.Sum(),
        LoadFailures.Sum(),
        Volatile.Read(ref Rejected),
        new RemovalCounts(
            Volatile.Read(ref Removals[(int)RemovalReason.Capacity]),
            Volatile.Read(ref Removals[(int)RemovalReason.Expired]),
            Volatile.Read(ref Removals[(int)RemovalReason.Removed]),
            Volatile.Read(ref Removals[(int)RemovalReason.Replaced]),
            Volatile.Read(ref Removals[(int)RemovalReason.Invalidated])),
        Volatile.Read(ref Invalidations),
        entries,
        bytes);
}
