namespace FileCache.Compression;

/// <summary>Options of the LZ4 compression of file contents (<see cref="FileCacheOptions.Compression"/>).</summary>
public sealed class FileCacheCompressionOptions
{
    /// <summary>Gets or sets the size from which file contents are stored LZ4-compressed.</summary>
    /// <value>
    /// Defaults to <see langword="null"/>: nothing is compressed. When set (at least 64), a file of at least this
    /// many bytes is compressed on insert and kept compressed if that saves at least <see cref="MinSavings"/>; its
    /// bytes count compressed against the budget. Reads decompress: the <see cref="CachedFile"/> a hit returns is then
    /// a new copy (it allocates); <see cref="IFileCache.TryCopyContent"/> and <see cref="IFileCache.TryLeaseContent"/>
    /// read without allocating.
    /// </value>
    public int? ThresholdBytes { get; set; }

    /// <summary>Gets or sets the fraction of a file's bytes compression must save for the compressed form to be kept.</summary>
    /// <value>Defaults to 0.25 (keep the LZ4 block if it is at most 75 % of the file). Must be greater than 0 and less than 1.</value>
    public double MinSavings { get; set; } = 0.25;

    /// <summary>
    /// The LZ4 encoder's level. Internal (measured, not yet public): the default, fast, keeps a miss cheap; a
    /// high-compression level (<c>L03_HC</c>) keeps about an eighth less of source text and decodes as fast, but
    /// encodes several times slower on the miss that compresses (<c>benchmarks/FileCache.Benchmarks/results/footprint.md</c>).
    /// </summary>
    internal K4os.Compression.LZ4.LZ4Level Level { get; set; } = K4os.Compression.LZ4.LZ4Level.L00_FAST;
}
