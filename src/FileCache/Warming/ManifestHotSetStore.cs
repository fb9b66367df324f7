using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FileCache.Warming;

/// <summary>
/// The local hot-set store: one manifest file per project in a folder (<see cref="FileCacheWarmingOptions.ManifestFolder"/>).
/// A write goes to a temporary file in the same folder, is flushed to disk, then renamed over the old manifest, so a crash
/// leaves the old manifest or the new one, never half of one. A manifest that cannot be read or is refused by
/// <see cref="HotSetManifest.TryParse"/> is logged as a warning and treated as absent: start-up goes on cold.
/// </summary>
internal sealed class ManifestHotSetStore : IHotSetStore
{
    public const string Extension = ".hotset";
    private readonly string _folder;
    private readonly ILogger _logger;

    public ManifestHotSetStore(string folder, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        _folder = folder;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The file a project's manifest lives in: a readable prefix of its name plus a stable hash of the whole name.</summary>
    public string PathOf(string project)
    {
        var safe = new StringBuilder(Math.Min(project.Length, 48));
        foreach (char c in project)
        {
            if (safe.Length == 48)
            {
                break;
            }

            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        }

        ulong hash = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(project));
        return Path.Combine(_folder, string.Create(CultureInfo.InvariantCulture, $"{safe}.{hash:x16}{Extension}"));
    }

    public async ValueTask<HotSet?> LoadAsync(string project, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(project);
        string path = PathOf(project);
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                if (Directory.Exists(path))
                {
                    WarmingLog.ManifestRefused(_logger, project, path, "it is a directory");
                }

                return null;
            }

            if (info.Length > HotSetManifest.MaxFileBytes)
            {
                WarmingLog.ManifestRefused(_logger, project, path, $"larger than {HotSetManifest.MaxFileBytes} bytes");
                return null;
            }

            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WarmingLog.ManifestUnreadable(_logger, ex, project, path);
            return null;
        }

        if (!HotSetManifest.TryParse(bytes, project, out var hotSet, out string? error))
        {
            WarmingLog.ManifestRefused(_logger, project, path, error);
            return null;
        }

        return hotSet;
    }

    public async ValueTask SaveAsync(HotSet hotSet, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hotSet);
        byte[] bytes = HotSetManifest.Serialize(hotSet);
        Directory.CreateDirectory(_folder);
        string target = PathOf(hotSet.Project);
        string temp = Path.Combine(_folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary file is harmless: it never has the manifest's name.
        }
    }
}
