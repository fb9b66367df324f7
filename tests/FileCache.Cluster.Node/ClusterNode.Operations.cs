using System.Globalization;
using FileCache.Invalidation;

namespace FileCache.Cluster.Node;

/// <summary>The node's operations on files, each appended to the history: reads, invalidations, and writes of new versions.</summary>
internal sealed partial class ClusterNode
{
    private async Task<HistoryRecord> ReadAsync(string path)
    {
        long start = HistoryFile.Now();
        HistoryRecord record;
        try
        {
            CachedFile? file = _args.Broken == "stale-memo" && _memo.TryGetValue(path, out CachedFile? memo)
                ? memo
                : await _cache.TryReadAsync(Project, path);
            if (file is null)
            {
                record = new HistoryRecord { Node = _args.Name, Op = HistoryOps.Read, Path = path, Start = start, End = HistoryFile.Now(), Version = -1, Ok = true };
            }
            else
            {
                _memo.TryAdd(path, file);
                (long version, string declared, string actual) = Payload.Inspect(file.Content.Span);
                record = new HistoryRecord
                {
                    Node = _args.Name, Op = HistoryOps.Read, Path = path, Start = start, End = HistoryFile.Now(), Version = version, Ok = true,
                    DeclaredHash = declared, PayloadHash = actual,
                    VersionHash = file.Version.ContentHash?.ToString("x32", CultureInfo.InvariantCulture),
                };
            }
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref _readFailures);
            record = new HistoryRecord { Node = _args.Name, Op = HistoryOps.Read, Path = path, Start = start, End = HistoryFile.Now(), Ok = false, Error = $"{e.GetType().Name}: {e.Message}" };
        }

        Interlocked.Increment(ref _reads);
        _history.Append(record);
        return record;
    }

    private async Task<HistoryRecord> InvalidateAsync(string path, string mode, bool write)
    {
        if (mode is not "ack" and not "fire")
        {
            throw new ArgumentException($"Mode must be ack or fire (was '{mode}').", nameof(mode));
        }

        string file = Path.Join(_args.Root, path);
        long start = HistoryFile.Now();
        long version, written = 0;
        if (write)
        {
            (version, written) = WriteNewVersion(path, file);
        }
        else
        {
            // The source reflects a change before its invalidation: the version on disk now is what this covers.
            version = Payload.ReadVersionFromDisk(file);
        }

        HistoryRecord record = new() { Node = _args.Name, Op = write ? HistoryOps.Write : HistoryOps.Invalidate, Path = path, Start = start, Written = written, Version = version, Mode = mode };
        try
        {
            InvalidationRequest request = InvalidationRequest.ForKey(_cache.CreateKey(Project, path));
            InvalidationResult result = mode == "fire" && _coherence is not null
                ? await _coherence.InvalidateAsync(request, waitForAcknowledgement: false)
                : await _cache.InvalidateAsync(request);
            record = record with { End = HistoryFile.Now(), Ok = true, Outcome = Outcome(result.Acknowledgement), Sequence = result.ClusterSequence };
        }
        catch (Exception e)
        {
            record = record with { End = HistoryFile.Now(), Ok = false, Outcome = InvalidationOutcomes.Failed, Error = $"{e.GetType().Name}: {e.Message}" };
        }

        _history.Append(record);
        return record;
    }

    /// <summary>
    /// Writes a new version by an atomic rename, under an exclusive lock of the path shared by every node, so that the
    /// order of versions on disk is the order of their numbers (a monotonic timestamp taken under the lock).
    /// </summary>
    private (long Version, long Written) WriteNewVersion(string path, string file)
    {
        string lockFile = Path.Join(_args.Locks, Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(path)) + ".lock");
        using FileStream held = AcquireLock(lockFile);
        long version = HistoryFile.Now();
        string temp = Path.Join(Path.GetDirectoryName(file)!, $".{Path.GetFileName(file)}.{_args.Name}.tmp");
        File.WriteAllBytes(temp, Payload.Create(path, version, _args.Name, _args.PayloadSize));
        File.Move(temp, file, overwrite: true);
        return (version, HistoryFile.Now());
    }

    private static FileStream AcquireLock(string lockFile)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 10_000)
            {
                Thread.Sleep(1);
            }
        }
    }

    private static string Outcome(InvalidationAcknowledgement acknowledgement) => acknowledgement switch
    {
        // A cache without coherence acknowledges only itself: the baseline that the checker must catch.
        InvalidationAcknowledgement.Acknowledged or InvalidationAcknowledgement.Local => InvalidationOutcomes.Acknowledged,
        InvalidationAcknowledgement.NotAwaited => InvalidationOutcomes.Fired,
        InvalidationAcknowledgement.TimedOut => InvalidationOutcomes.Unacknowledged,
        _ => InvalidationOutcomes.Failed,
    };
}
