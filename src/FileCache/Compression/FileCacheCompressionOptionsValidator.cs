namespace FileCache.Compression;

/// <summary>Start-up checks of <see cref="FileCacheCompressionOptions"/>: one message per invalid property, named by its path.</summary>
internal static class FileCacheCompressionOptionsValidator
{
    public static IEnumerable<string> Validate(FileCacheCompressionOptions options, string path)
    {
        if (options.ThresholdBytes is < 64)
        {
            yield return $"{path}.ThresholdBytes must be at least 64 when set (was {options.ThresholdBytes}).";
        }

        if (!(options.MinSavings > 0 && options.MinSavings < 1))
        {
            yield return $"{path}.MinSavings must be greater than 0 and less than 1 (was {options.MinSavings}).";
        }

        if (options.Level is not (System.IO.Compression.CompressionLevel.Fastest or System.IO.Compression.CompressionLevel.Optimal or System.IO.Compression.CompressionLevel.SmallestSize))
        {
            yield return $"{path}.Level must be Fastest, Optimal or SmallestSize (was {options.Level}); to store files uncompressed leave ThresholdBytes unset.";
        }
    }
}
