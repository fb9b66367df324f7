using FileCache.Sources;

namespace FileCache.Loading;

/// <summary>Runs the rest of the load pipeline for a context: the next stage, or the read from the source at the end.</summary>
/// <param name="context">The load under way.</param>
/// <returns>A task that completes when the rest of the pipeline has run.</returns>
public delegate ValueTask FileLoadHandler(FileLoadContext context);

/// <summary>
/// One load of a file through the pipeline: what is asked for (key, project, the version expected, if any), the
/// project's <see cref="IFileSource"/>, and the result a stage sets (bytes and version). A stage may answer without
/// calling the next one (an L2 or a peer that holds the expected version), or call it and look at, transform or store
/// its result.
/// </summary>
/// <remarks>
/// One context per load, shared by every waiter of that load: stages run once per miss, never on a hit. The bytes a
/// stage sets are cached as they are and handed to every waiter; they must not be changed afterwards.
/// </remarks>
public sealed class FileLoadContext
{
    private Dictionary<string, object?>? _items;

    internal FileLoadContext(FileKey key, IFileSource source, CancellationToken cancellationToken)
    {
        Key = key;
        Source = source;
        CancellationToken = cancellationToken;
    }

    /// <summary>Gets the key of the file being loaded (project and canonical relative path).</summary>
    public FileKey Key { get; }

    /// <summary>Gets the project's name.</summary>
    public string Project => Key.Project;

    /// <summary>Gets the file's canonical path relative to the project's root.</summary>
    public string Path => Key.Path;

    /// <summary>Gets the project's source, which the last stage reads from.</summary>
    public IFileSource Source { get; }

    /// <summary>
    /// Gets the load's cancellation: cancelled when every caller waiting for this load has given up. Stages pass it on
    /// to whatever they wait for.
    /// </summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>
    /// Gets or sets the version the result must have, when known (for example from an invalidation log that names the
    /// current version and its <see cref="FileVersion.ContentHash"/>); <see langword="null"/> when any current version
    /// will do. A stage that serves bytes from elsewhere must serve this version or pass the load on.
    /// </summary>
    public FileVersion? ExpectedVersion { get; set; }

    /// <summary>Gets a value indicating whether a stage has set the result.</summary>
    public bool HasResult { get; private set; }

    /// <summary>Gets the file's bytes, once <see cref="HasResult"/> is true.</summary>
    public ReadOnlyMemory<byte> Content { get; private set; }

    /// <summary>Gets the version of <see cref="Content"/>, once <see cref="HasResult"/> is true.</summary>
    public FileVersion Version { get; private set; }

    /// <summary>Gets where the bytes came from (a full path, or the source's name for the file), once <see cref="HasResult"/> is true.</summary>
    public string? Location { get; private set; }

    /// <summary>Gets the name of what produced the result (<c>"source"</c> for the read-through stage), once <see cref="HasResult"/> is true.</summary>
    public string? Origin { get; private set; }

    /// <summary>
    /// Gets or sets a value indicating whether the result is cached. <see langword="false"/>: it is handed to every waiter
    /// of this load but not kept, exactly like the result of a load fenced by an invalidation (a peer layer serves a key
    /// that another node owns this way, keeping only hot keys).
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool CacheResult { get; set; } = true;

    /// <summary>Gets a bag for stages to pass values to each other during this load.</summary>
    public IDictionary<string, object?> Items => _items ??= new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>Sets (or replaces) the load's result.</summary>
    /// <param name="content">The file's bytes; not copied, and not to be changed afterwards.</param>
    /// <param name="version">Their version.</param>
    /// <param name="location">Where they came from.</param>
    /// <param name="origin">What produced them (for telemetry), for example <c>"l2"</c>.</param>
    public void SetResult(ReadOnlyMemory<byte> content, FileVersion version, string location, string origin)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentException.ThrowIfNullOrEmpty(origin);
        Content = content;
        Version = version;
        Location = location;
        Origin = origin;
        HasResult = true;
        CompressionTried = false;
        CompressedBlock = null;
    }

    /// <summary>Set by the compression stage: the result was offered to the compressor (and <see cref="CompressedBlock"/> is its answer).</summary>
    internal bool CompressionTried { get; set; }

    /// <summary>The LZ4 block of <see cref="Content"/>, when the compression stage found it worth keeping.</summary>
    internal byte[]? CompressedBlock { get; set; }
}
