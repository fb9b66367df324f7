using System.Globalization;
using FileCache.Invalidation;

namespace FileCache.Cluster.Node;

/// <summary>The watcher storm: many files changed at once behind the cache's back, seen by this node's watcher only.</summary>
internal sealed partial class ClusterNode
{
    /// <summary>
    /// A watcher storm: rewrites <paramref name="count"/> files under <paramref name="directory"/> at once (renamed in
    /// from beside the root), announcing none (this node's watcher sees them), waits until its watcher applied them, then makes an
    /// acknowledged invalidation: the log is ordered, so once it is acknowledged every node has applied the storm too. Each
    /// write goes into the history as acknowledged when that invalidation returned, so the checker holds every read
    /// that starts afterwards, on any node, to the new versions.
    /// </summary>
    private async Task<string> StormAsync(string directory, int count)
    {
        if (!_args.Watch)
        {
            throw new InvalidOperationException("storm needs --watch: this node must see its own changes.");
        }

        string[] paths = [.. _files.Where(f => f.StartsWith(directory + "/", StringComparison.Ordinal)).Take(count)];
        long published = _coherence?.GetStatus().Published ?? 0;
        var before = _cache.GetStatistics().Invalidation;

        // Every new version is written beside the root first, then all are renamed in, as fast as the disk takes it (one
        // watcher event each). Nothing else may write these files meanwhile: versions are taken before the renames.
        string staging = _args.Root.TrimEnd('/') + ".storm-" + _args.Name;
        Directory.CreateDirectory(staging);
        var writes = new List<(HistoryRecord Record, string Staged)>(paths.Length);
        foreach (string path in paths)
        {
            long start = HistoryFile.Now();
            long version = HistoryFile.Now();
            string staged = Path.Join(staging, writes.Count.ToString(CultureInfo.InvariantCulture));
            File.WriteAllBytes(staged, Payload.Create(path, version, _args.Name, _args.PayloadSize));
            writes.Add((new HistoryRecord { Node = _args.Name, Op = HistoryOps.Write, Path = path, Start = start, Version = version, Mode = "ack" }, staged));
        }

        for (int i = 0; i < writes.Count; i++)
        {
            File.Move(writes[i].Staged, Path.Join(_args.Root, writes[i].Record.Path), overwrite: true);
            writes[i] = (writes[i].Record with { Written = HistoryFile.Now() }, writes[i].Staged);
        }

        await _cache.SynchronizeAsync(Project);
        InvalidationResult result = await _cache.InvalidateAsync(InvalidationRequest.ForKey(_cache.CreateKey(Project, paths[0])));
        long end = HistoryFile.Now();
        foreach ((HistoryRecord write, _) in writes)
        {
            _history.Append(write with { End = end, Ok = true, Outcome = Outcome(result.Acknowledgement), Sequence = result.ClusterSequence });
        }

        // What this node appended meanwhile: the storm's entries, the acknowledged invalidation, and any version mismatch a
        // read found first (a periodic revalidation or a lapsed lease checks files against the disk; one key each).
        long entries = (_coherence?.GetStatus().Published ?? 0) - published;
        var after = _cache.GetStatistics().Invalidation;
        long mismatches = (after?.GetCount(InvalidationCause.VersionMismatch) ?? 0) - (before?.GetCount(InvalidationCause.VersionMismatch) ?? 0);
        long storms = (after?.StormsCollapsed ?? 0) - (before?.StormsCollapsed ?? 0);
        return string.Create(CultureInfo.InvariantCulture, $"ok files={paths.Length} outcome={Outcome(result.Acknowledgement)} seq={result.ClusterSequence} published={entries} mismatches={mismatches} storms={storms} stormEntries={entries - 1 - mismatches}");
    }
}
