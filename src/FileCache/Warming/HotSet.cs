namespace FileCache.Warming;

/// <summary>One entry of a project's hot set: what was cached, at which version, and how hot it was.</summary>
/// <param name="Path">The entry's normalized relative path.</param>
/// <param name="Variant">The variant of derived data, or <see langword="null"/> for the file itself.</param>
/// <param name="Version">The file's version when the hot set was taken; <see langword="null"/> for derived data.</param>
/// <param name="Rank">How hot the entry was (higher is hotter); only the order matters.</param>
/// <param name="Size">The bytes the entry was charged, a hint for the warming budget.</param>
/// <param name="Dependencies">The keys derived data declared it depends on (project, path, variant); empty for files.</param>
public sealed record HotSetEntry(string Path, string? Variant, FileVersion? Version, double Rank, long Size, IReadOnlyList<HotSetDependency> Dependencies);

/// <summary>A dependency of derived data in a hot set.</summary>
/// <param name="Project">The project of the key depended on.</param>
/// <param name="Path">Its path.</param>
/// <param name="Variant">Its variant, or <see langword="null"/> for a file.</param>
public readonly record struct HotSetDependency(string Project, string Path, string? Variant);

/// <summary>A project's hot set: its hottest entries, hottest first.</summary>
/// <param name="Project">The project's name.</param>
/// <param name="TakenAt">When it was taken (the cache's clock).</param>
/// <param name="Entries">The entries, hottest first.</param>
public sealed record HotSet(string Project, DateTimeOffset TakenAt, IReadOnlyList<HotSetEntry> Entries);

/// <summary>
/// Where warming finds a project's hot set: the local manifest folder, or (for a node joining a cluster) the hot set
/// of the owners or of the cluster. Register more with <c>AddHotSetSource</c>; they are asked in registration order,
/// before the local manifest, and the first that has one wins.
/// </summary>
public interface IHotSetSource
{
    /// <summary>Reads a project's hot set.</summary>
    /// <param name="project">The project's name.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The hot set, or <see langword="null"/> when this source has none usable (missing, corrupt, foreign or old).</returns>
    ValueTask<HotSet?> LoadAsync(string project, CancellationToken cancellationToken = default);
}

/// <summary>A hot-set source that can also be written: where the periodic and shutdown snapshots go.</summary>
public interface IHotSetStore : IHotSetSource
{
    /// <summary>Replaces a project's stored hot set (atomically: a reader sees the old one or the new one, whole).</summary>
    /// <param name="hotSet">The hot set.</param>
    /// <param name="cancellationToken">Cancels the write; the old hot set is then kept.</param>
    /// <returns>A task that completes when the hot set is stored.</returns>
    ValueTask SaveAsync(HotSet hotSet, CancellationToken cancellationToken = default);
}
