using Microsoft.Extensions.Primitives;

namespace FileCache.Sources;

/// <summary>
/// Where a project's files come from: a version probe, a read of a whole file, and optionally change notifications.
/// The physical file system (<see cref="PhysicalFileSource"/>) is the default; <see cref="FileProviderSource"/> adapts
/// any <see cref="Microsoft.Extensions.FileProviders.IFileProvider"/>.
/// </summary>
/// <remarks>
/// Paths are relative to the source's root, in the cache's canonical form (<c>/</c> separators, no empty, <c>.</c> or
/// <c>..</c> segments). Every member may be called concurrently. The cache calls a source only on a miss (through the
/// load pipeline) and for checks against it, never on a hit.
/// </remarks>
public interface IFileSource
{
    /// <summary>Probes a file's version without reading its bytes.</summary>
    /// <param name="path">The file's relative path.</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns>The file's current version, or <see langword="null"/> when no file exists at the path.</returns>
    ValueTask<FileVersion?> GetVersionAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Reads a whole file together with the version it had while it was read.</summary>
    /// <param name="path">The file's relative path.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The bytes, their version and where they were read from.</returns>
    /// <exception cref="FileNotFoundException">No file exists at the path.</exception>
    /// <exception cref="IOException">The file cannot be read (for example it is a directory, or kept changing while read).</exception>
    /// <exception cref="UnauthorizedAccessException">The source refuses the path (for example it leads outside the root).</exception>
    ValueTask<FileSourceContent> ReadAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns a token that fires when the file at <paramref name="path"/> (or anything under it) changes, or
    /// <see langword="null"/> when the source cannot watch. The default implementation cannot watch.
    /// </summary>
    /// <param name="path">The file's relative path.</param>
    /// <returns>A change token, or <see langword="null"/>.</returns>
    IChangeToken? Watch(string path) => null;
}

/// <summary>A whole file as an <see cref="IFileSource"/> read it.</summary>
/// <param name="Content">The file's bytes.</param>
/// <param name="Version">The file's version while its bytes were read.</param>
/// <param name="Location">Where the bytes were read from (a full path, or the source's name for the file).</param>
public readonly record struct FileSourceContent(ReadOnlyMemory<byte> Content, FileVersion Version, string Location);
