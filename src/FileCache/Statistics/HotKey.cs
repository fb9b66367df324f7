namespace FileCache.Statistics;

/// <summary>One of the most accessed keys, from sampled hits.</summary>
/// <param name="Key">The key.</param>
/// <param name="EstimatedHits">Approximate recent hits: sampled hits times the sample rate, halved periodically so it tracks recent traffic.</param>
public readonly record struct HotKey(FileKey Key, long EstimatedHits);
