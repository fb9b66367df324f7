namespace FileCache.Statistics;

/// <summary>The sizes (counted bytes) of the entries held now.</summary>
/// <param name="Count">Entries held.</param>
/// <param name="TotalBytes">Bytes counted for them.</param>
/// <param name="P50">The median size (within 12.5%).</param>
/// <param name="P90">The 90th percentile (within 12.5%).</param>
/// <param name="P99">The 99th percentile (within 12.5%).</param>
/// <param name="Buckets">Non-empty buckets in ascending order: each bucket's largest size and how many entries fall in it.</param>
public sealed record SizeDistribution(long Count, long TotalBytes, long P50, long P90, long P99, IReadOnlyList<SizeBucket> Buckets);

/// <summary>One bucket of a <see cref="SizeDistribution"/>.</summary>
/// <param name="UpperBound">The largest size in the bucket, in bytes.</param>
/// <param name="Count">Entries in the bucket.</param>
public readonly record struct SizeBucket(long UpperBound, long Count);
