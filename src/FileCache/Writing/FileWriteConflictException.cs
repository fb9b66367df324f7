namespace FileCache.Writing;

/// <summary>
/// A pending write-behind was not flushed because the file changed on disk, by someone else, after the write was
/// made: the other change is kept, and the write's bytes are handed back in <see cref="Content"/>.
/// </summary>
public sealed class FileWriteConflictException : IOException
{
    /// <summary>Initializes a new instance of the <see cref="FileWriteConflictException"/> class.</summary>
    public FileWriteConflictException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FileWriteConflictException"/> class.</summary>
    /// <param name="message">The message.</param>
    public FileWriteConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FileWriteConflictException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public FileWriteConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FileWriteConflictException"/> class.</summary>
    /// <param name="fullPath">The file.</param>
    /// <param name="expected">The version the write was based on, or <see langword="null"/> when the file did not exist.</param>
    /// <param name="found">The version found on disk, or <see langword="null"/> when the file is gone.</param>
    /// <param name="content">The bytes that were not written.</param>
    public FileWriteConflictException(string fullPath, FileVersion? expected, FileVersion? found, ReadOnlyMemory<byte> content)
        : base($"The file '{fullPath}' changed on disk while a write of it was pending (expected {Describe(expected)}, found {Describe(found)}); the pending write was not flushed.")
    {
        FullPath = fullPath;
        Expected = expected;
        Found = found;
        Content = content;
    }

    /// <summary>Gets the file's absolute path.</summary>
    public string FullPath { get; } = string.Empty;

    /// <summary>Gets the version the write was based on (<see langword="null"/>: the file did not exist).</summary>
    public FileVersion? Expected { get; }

    /// <summary>Gets the version found on disk (<see langword="null"/>: the file did not exist).</summary>
    public FileVersion? Found { get; }

    /// <summary>Gets the bytes that were not written.</summary>
    public ReadOnlyMemory<byte> Content { get; }

    private static string Describe(FileVersion? version) =>
        version is { } v ? $"{v.Length} bytes written {v.LastWriteTimeUtc:O}" : "no file";
}
