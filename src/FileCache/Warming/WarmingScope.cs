namespace FileCache.Warming;

/// <summary>
/// Marks the loads warming starts (an <see cref="AsyncLocal{T}"/> that flows into the load pipeline), so the load stage
/// can tell a foreground miss, which warming yields to and the co-access model learns from, from its own reads.
/// </summary>
internal static class WarmingScope
{
    private static readonly AsyncLocal<bool> Active = new();

    public static bool IsActive => Active.Value;

    public static void Enter() => Active.Value = true;
}

/// <summary>What warming one file did.</summary>
internal enum WarmOutcome
{
    Loaded,
    AlreadyCached,
    Changed,
    Refused,
    Failed,
}

/// <summary>A prefetched entry awaiting its verdict: read before it left the cache (used) or not (wasted).</summary>
internal sealed class PrefetchRecord
{
    public PrefetchRecord(FileKey key) => Key = key;

    public FileKey Key { get; }

    /// <summary>The entry the prefetch inserted; null until it is marked.</summary>
    public Storage.CacheEntry? Entry;

    /// <summary>1 once a hit read the entry (set by the hit path's slow branch).</summary>
    public int Used;
}

/// <summary>What the warmer needs from the engine beyond <see cref="IFileCache"/>; implemented by the engine only.</summary>
internal interface IWarmableCache
{
    /// <summary>The hottest entries of a project (files with their versions, derived data with its dependencies), hottest first.</summary>
    HotSet TakeHotSet(string project, int maxEntries);

    /// <summary>Reads a file into the cache unless cached, or changed since <paramref name="expected"/>; counts no hit or miss.</summary>
    ValueTask<(WarmOutcome Outcome, long Bytes)> WarmFileAsync(FileKey key, FileVersion? expected, CancellationToken cancellationToken);

    /// <summary>True when <paramref name="bytes"/> more would fit in the budget in force without evicting anything.</summary>
    bool HasRoomFor(long bytes);

    /// <summary>Marks the cached entry of <paramref name="record"/>'s key so that its first hit sets <see cref="PrefetchRecord.Used"/>.</summary>
    bool MarkPrefetched(PrefetchRecord record);
}
