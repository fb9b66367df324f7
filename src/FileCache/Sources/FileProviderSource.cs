using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace FileCache.Sources;

/// <summary>
/// Adapts any <see cref="IFileProvider"/> (embedded resources, a composite, a physical provider) to an
/// <see cref="IFileSource"/>, so a project can be backed by it (<see cref="FileCacheProjectOptions.FileProvider"/>).
/// </summary>
/// <remarks>
/// The version of a file is its <see cref="IFileInfo.Length"/> and <see cref="IFileInfo.LastModified"/>. A read during
/// which the provider reports another version, or returns more or fewer bytes than the length, is retried, and after
/// three such reads an <see cref="IOException"/> reaches the caller. Which paths a provider serves (and whether it
/// follows links) is the provider's own policy. <see cref="Watch"/> forwards to <see cref="IFileProvider.Watch"/>.
/// </remarks>
public sealed class FileProviderSource : IFileSource
{
    private const int MaxAttempts = 3;
    private readonly IFileProvider _provider;

    /// <summary>Initializes a new instance of the <see cref="FileProviderSource"/> class.</summary>
    /// <param name="provider">The provider to read from.</param>
    public FileProviderSource(IFileProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _provider = provider;
    }

    /// <inheritdoc/>
    public ValueTask<FileVersion?> GetVersionAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        cancellationToken.ThrowIfCancellationRequested();
        var info = _provider.GetFileInfo(path);
        return new ValueTask<FileVersion?>(info.Exists && !info.IsDirectory ? VersionOf(info) : null);
    }

    /// <inheritdoc/>
    public async ValueTask<FileSourceContent> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var info = _provider.GetFileInfo(path);
            if (!info.Exists)
            {
                throw new FileNotFoundException($"Could not find file '{path}'.", path);
            }

            if (info.IsDirectory)
            {
                throw new IOException($"The path '{path}' is a directory, not a file.");
            }

            var before = VersionOf(info);
            if (before.Length > Array.MaxLength)
            {
                throw new IOException($"The file '{path}' is {before.Length} bytes long, more than a cached value can hold.");
            }

            byte[] content = before.Length == 0 ? [] : new byte[before.Length];
            int read = 0;
            int extra;
            var stream = info.CreateReadStream();
            await using (stream.ConfigureAwait(false))
            {
                while (read < content.Length)
                {
                    int n = await stream.ReadAsync(content.AsMemory(read), cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    read += n;
                }

                // One byte past the length tells whether the file grew while it was read.
                byte[] probe = new byte[1];
                extra = await stream.ReadAsync(probe, cancellationToken).ConfigureAwait(false);
            }

            var after = _provider.GetFileInfo(path);
            if (read == content.Length && extra == 0 && after.Exists && VersionOf(after) == before)
            {
                return new FileSourceContent(content, before, info.PhysicalPath ?? path);
            }
        }

        throw new IOException($"The file '{path}' kept changing while it was read ({MaxAttempts} attempts).");
    }

    /// <inheritdoc/>
    public IChangeToken? Watch(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var token = _provider.Watch(path);
        return token is NullChangeToken ? null : token;
    }

    private static FileVersion VersionOf(IFileInfo info) => new(info.Length, info.LastModified.ToUniversalTime());
}
