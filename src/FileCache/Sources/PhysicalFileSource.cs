using FileCache.Keys;
using Microsoft.Extensions.Primitives;

namespace FileCache.Sources;

/// <summary>
/// The physical file system under one root directory: the default source of a project with a
/// <see cref="FileCacheProjectOptions.RootPath"/>. Reads through <see cref="PhysicalFileReader"/>, which refuses a path
/// that leaves the root through a symbolic link and a file that kept changing while it was read.
/// </summary>
/// <remarks>
/// The cache watches a physical project itself (one <see cref="FileSystemWatcher"/> per project, with a polling
/// fallback), so <see cref="Watch"/> returns <see langword="null"/>.
/// </remarks>
public sealed class PhysicalFileSource : IFileSource
{
    /// <summary>Initializes a new instance of the <see cref="PhysicalFileSource"/> class.</summary>
    /// <param name="rootPath">The absolute path of the root directory.</param>
    /// <exception cref="ArgumentException"><paramref name="rootPath"/> is empty or not absolute.</exception>
    public PhysicalFileSource(string rootPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootPath);
        if (!Path.IsPathFullyQualified(rootPath))
        {
            throw new ArgumentException($"The root '{rootPath}' is not an absolute path.", nameof(rootPath));
        }

        Root = PathNormalizer.NormalizeRoot(rootPath);
    }

    /// <summary>Gets the canonical root directory (<c>/</c> separators, no trailing separator).</summary>
    public string Root { get; }

    /// <inheritdoc/>
    public ValueTask<FileVersion?> GetVersionAsync(string path, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<FileVersion?>(FileStat.Probe(FullPath(path)));
    }

    /// <inheritdoc/>
    public async ValueTask<FileSourceContent> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        string fullPath = FullPath(path);
        var (content, version) = await PhysicalFileReader.ReadAsync(fullPath, Root, cancellationToken).ConfigureAwait(false);
        return new FileSourceContent(content, version, fullPath);
    }

    /// <inheritdoc/>
    public IChangeToken? Watch(string path) => null;

    /// <summary>The full path of a relative path under the root; refuses one that escapes it.</summary>
    internal string FullPath(string path) => Path.Join(Root, PathNormalizer.Normalize(path, Root, ignoreCase: false, nameof(path)));
}
