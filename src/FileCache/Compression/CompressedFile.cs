using K4os.Compression.LZ4;

namespace FileCache.Compression;

/// <summary>
/// A file's bytes held as one LZ4 block, with the metadata of the <see cref="CachedFile"/> it stands for. Stored as
/// an entry's value in place of the <see cref="CachedFile"/>; immutable and shared by all readers.
/// </summary>
internal sealed class CompressedFile
{
    private readonly Storage.FileOrigin _origin;
    private readonly Storage.FileFacts _facts;

    private CompressedFile(CachedFile file, byte[] block)
    {
        _origin = file.Origin;
        _facts = file.Facts;
        Block = block;
        Length = file.Length;
    }

    /// <summary>Gets the absolute path the bytes were read from (joined on demand, as <see cref="CachedFile.FullPath"/>).</summary>
    public string FullPath => _origin.FullPath;

    /// <summary>The key and where the bytes came from (shared with the file it stands for).</summary>
    public Storage.FileOrigin Origin => _origin;

    /// <summary>Heap bytes this block holds besides the object, the block and its entry's name: a full path of its own, a content hash.</summary>
    public long OwnBytes => _origin.OwnBytes + _facts.OwnBytes;

    /// <summary>Gets the version of the file when its bytes were read.</summary>
    public FileVersion Version => _facts.Version(Length);

    /// <summary>Gets when the bytes were read.</summary>
    public DateTimeOffset ReadAt => _facts.ReadAt;

    /// <summary>Gets whether the bytes came from <see cref="IFileCache.WriteAsync"/> rather than a read of the disk.</summary>
    public bool WrittenByCache => _facts.Written;

    /// <summary>
    /// The disk metadata of an entry's value when it holds a file's bytes, plain or compressed (for coherence
    /// checks that must treat both alike); false for derived data.
    /// </summary>
    public static bool TryGetFileMetadata(object? value, out string fullPath, out FileVersion version, out bool writtenJustBeforeRead)
    {
        switch (value)
        {
            case CachedFile file:
                (fullPath, version, writtenJustBeforeRead) = (file.FullPath, file.Version, file.WrittenJustBeforeRead);
                return true;
            case CompressedFile compressed:
                (fullPath, version, writtenJustBeforeRead) = (compressed.FullPath, compressed.Version, compressed._facts.Racy);
                return true;
            default:
                (fullPath, version, writtenJustBeforeRead) = (string.Empty, default, false);
                return false;
        }
    }

    /// <summary>Gets the LZ4 block.</summary>
    public byte[] Block { get; }

    /// <summary>Gets the length of the original bytes.</summary>
    public int Length { get; }

    /// <summary>
    /// Compresses <paramref name="file"/> when it is at least <paramref name="threshold"/> bytes long and the block
    /// saves at least <paramref name="minSavings"/> of them; otherwise returns null (keep the file as it is).
    /// </summary>
    public static CompressedFile? TryCompress(CachedFile file, int threshold, double minSavings, LZ4Level level = LZ4Level.L00_FAST) =>
        TryEncode(file.Content.Span, threshold, minSavings, level) is { } block ? new CompressedFile(file, block) : null;

    /// <summary>The stored form of <paramref name="file"/> given its block, already encoded by <see cref="TryEncode"/>.</summary>
    public static CompressedFile FromBlock(CachedFile file, byte[] block) => new(file, block);

    /// <summary>
    /// The LZ4 block of <paramref name="content"/> when it is at least <paramref name="threshold"/> bytes long and the
    /// block saves at least <paramref name="minSavings"/> of them; otherwise null.
    /// </summary>
    public static byte[]? TryEncode(ReadOnlySpan<byte> content, int threshold, double minSavings, LZ4Level level = LZ4Level.L00_FAST)
    {
        int length = content.Length;
        if (length < threshold)
        {
            return null;
        }

        int worthIt = (int)(length * (1.0 - minSavings));
        byte[] scratch = CompressionScratch.Rent(LZ4Codec.MaximumOutputSize(length));
        try
        {
            int encoded = LZ4Codec.Encode(content, scratch, level);
            if (encoded <= 0 || encoded > worthIt)
            {
                return null;
            }

            return scratch.AsSpan(0, encoded).ToArray();
        }
        finally
        {
            CompressionScratch.Return(scratch);
        }
    }

    /// <summary>Decodes the bytes into <paramref name="destination"/>, which must hold <see cref="Length"/> bytes.</summary>
    public void DecodeTo(Span<byte> destination)
    {
        int decoded = LZ4Codec.Decode(Block, destination[..Length]);
        if (decoded != Length)
        {
            throw new InvalidDataException($"The cached LZ4 block of '{FullPath}' decoded to {decoded} bytes instead of {Length}.");
        }
    }

    /// <summary>A new <see cref="CachedFile"/> with the decoded bytes (allocates them).</summary>
    public CachedFile ToCachedFile()
    {
        byte[] content = GC.AllocateUninitializedArray<byte>(Length);
        DecodeTo(content);
        return new CachedFile(_origin, content, _facts);
    }
}
