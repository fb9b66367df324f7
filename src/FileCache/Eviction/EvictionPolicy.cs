namespace FileCache;

/// <summary>How the cache chooses what to drop when it is over its byte budget.</summary>
public enum EvictionPolicy
{
    /// <summary>
    /// CLOCK (second-chance LRU): the entry read least recently goes. Close to strict LRU; best when recent files
    /// are the ones read next.
    /// </summary>
    Clock = 0,

    /// <summary>
    /// W-TinyLFU: a small recency window in front of a main region guarded by a frequency sketch; a newcomer
    /// displaces a resident only if it was read more often recently. Resists scans and loops, size-aware, and
    /// the window resizes itself to the workload. A hit costs the same as with <see cref="Clock"/>.
    /// </summary>
    TinyLfu = 1,
}
