using System.IO.Compression;

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

    /// <summary>Gets or sets how hard the LZ4 encoder works: a trade of the compressing miss's time against the bytes held.</summary>
    /// <value>
    /// Defaults to <see cref="CompressionLevel.Fastest"/>: LZ4's fast encoder, which keeps the miss that compresses
    /// cheap. <see cref="CompressionLevel.Optimal"/> uses LZ4's high-compression encoder (level 3): on source text it
    /// keeps about an eighth fewer bytes (on the corpus measured in the repository's footprint results, 0.31 of the text
    /// instead of 0.36) and decodes as fast, so hits cost the same, but it encodes several times slower on the miss
    /// that compresses. <see cref="CompressionLevel.SmallestSize"/> uses a higher level (9), slower again for a few
    /// percent more. <see cref="CompressionLevel.NoCompression"/> is refused: leave <see cref="ThresholdBytes"/> unset
    /// instead.
    /// </value>
    public CompressionLevel Level { get; set; } = CompressionLevel.Fastest;

    /// <summary>The K4os encoder level for <see cref="Level"/> (validated at start-up).</summary>
    internal K4os.Compression.LZ4.LZ4Level EncoderLevel => Level switch
    {
        CompressionLevel.Optimal => K4os.Compression.LZ4.LZ4Level.L03_HC,
        CompressionLevel.SmallestSize => K4os.Compression.LZ4.LZ4Level.L09_HC,
        _ => K4os.Compression.LZ4.LZ4Level.L00_FAST,
    };
}
