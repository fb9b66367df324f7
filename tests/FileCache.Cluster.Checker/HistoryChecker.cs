using System.Globalization;

namespace FileCache.Cluster;

/// <summary>A read the guarantee forbids.</summary>
/// <param name="Kind">"stale-after-ack", "stale-after-fire-bound" or "integrity".</param>
/// <param name="Read">The offending read.</param>
/// <param name="Invalidation">For a stale read, the acknowledged invalidation it contradicts.</param>
public sealed record Violation(string Kind, HistoryRecord Read, HistoryRecord? Invalidation)
{
    /// <inheritdoc/>
    public override string ToString() => Invalidation is not null
        ? string.Create(CultureInfo.InvariantCulture, $"{Kind}: {Read.Node} read {Read.Path} v{Read.Version} starting {(Read.Start - Invalidation.End) / 1e6:F3} ms after {Invalidation.Node}'s {Invalidation.Outcome} {Invalidation.Op} of v{Invalidation.Version} returned{(Kind == HistoryChecker.StaleAfterFireBound ? " (+ the bound)" : "")}")
        : $"{Kind}: {Read.Node} read {Read.Path} v{Read.Version} whose body hashes to {Read.PayloadHash}, not the declared {Read.DeclaredHash}";
}

/// <summary>What the checker found in a set of histories.</summary>
public sealed record CheckReport
{
    /// <summary>Gets the number of successful reads checked.</summary>
    public int ReadsChecked { get; init; }

    /// <summary>Gets the number of reads that failed (a failure is allowed: a node without a lease may refuse).</summary>
    public int ReadsFailed { get; init; }

    /// <summary>Gets the number of invalidations and writes that returned acknowledged.</summary>
    public int Acknowledged { get; init; }

    /// <summary>Gets the number of invalidations and writes that returned otherwise (fired, unacknowledged, failed).</summary>
    public int NotAcknowledged { get; init; }

    /// <summary>Gets the violations found.</summary>
    public IReadOnlyList<Violation> Violations { get; init; } = [];

    /// <summary>Gets the number of reads that returned a version older than one already on disk when they started.</summary>
    public int StaleReads { get; init; }

    /// <summary>Gets the median staleness of those reads: from the newer version's arrival on disk to the read's start.</summary>
    public TimeSpan StalenessP50 { get; init; }

    /// <summary>Gets the 99th percentile of that staleness.</summary>
    public TimeSpan StalenessP99 { get; init; }

    /// <summary>Gets the largest staleness seen.</summary>
    public TimeSpan StalenessMax { get; init; }

    /// <summary>Gets the median time an acknowledged invalidation took to return.</summary>
    public TimeSpan AckP50 { get; init; }

    /// <summary>Gets the 99th percentile of that time.</summary>
    public TimeSpan AckP99 { get; init; }

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"reads checked {ReadsChecked} (failed {ReadsFailed}), violations {Violations.Count}, acknowledged {Acknowledged} (not {NotAcknowledged}), " +
        $"ack p50 {AckP50.TotalMilliseconds:F2} ms p99 {AckP99.TotalMilliseconds:F2} ms, " +
        $"stale reads {StaleReads} staleness p50 {StalenessP50.TotalMilliseconds:F1} ms p99 {StalenessP99.TotalMilliseconds:F1} ms max {StalenessMax.TotalMilliseconds:F1} ms");
}

/// <summary>
/// Checks histories against the cluster's guarantee: (a) no read that started after an acknowledged invalidation
/// returned returns a version older than the one that invalidation covered; (b) no read returns a payload whose body
/// fails its declared hash. Times are compared only as monotonic timestamps of one machine.
/// </summary>
public static class HistoryChecker
{
    /// <summary>The kind of a read that returned an older version after an acknowledged invalidation.</summary>
    public const string StaleAfterAck = "stale-after-ack";

    /// <summary>The kind of a read that returned an older version later than the bound after a fire-and-forget invalidation returned.</summary>
    public const string StaleAfterFireBound = "stale-after-fire-bound";

    /// <summary>The kind of a read whose payload fails its hash.</summary>
    public const string Integrity = "integrity";

    /// <summary>Checks the history files.</summary>
    /// <param name="paths">The history files of every node.</param>
    /// <returns>The report.</returns>
    /// <param name="fireBound">
    /// When set, also checks fire-and-forget invalidations: no read starting this long after one returned may return an
    /// older version (the bounded staleness a caller accepts instead of waiting: a poll interval, plus slack).
    /// </param>
    public static CheckReport CheckFiles(IEnumerable<string> paths, TimeSpan? fireBound = null) => Check(HistoryFile.Read(paths), fireBound);

    /// <summary>Checks records.</summary>
    /// <param name="records">Every node's records.</param>
    /// <param name="fireBound">When set, fire-and-forget invalidations promise this bound on staleness (see <see cref="CheckFiles"/>).</param>
    /// <returns>The report.</returns>
    public static CheckReport Check(IReadOnlyCollection<HistoryRecord> records, TimeSpan? fireBound = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        var violations = new List<Violation>();
        var acks = new List<long>();
        int acknowledged = 0, notAcknowledged = 0, readsChecked = 0, readsFailed = 0;
        var byPath = new Dictionary<string, PathHistory>(StringComparer.Ordinal);
        foreach (HistoryRecord r in records)
        {
            PathHistory path = byPath.TryGetValue(r.Path, out PathHistory? p) ? p : byPath[r.Path] = new PathHistory();
            switch (r.Op)
            {
                case HistoryOps.Read when r.Ok:
                    readsChecked++;
                    path.Reads.Add(r);
                    if (r.Version >= 0 && !string.Equals(r.DeclaredHash, r.PayloadHash, StringComparison.Ordinal))
                    {
                        violations.Add(new Violation(Integrity, r, null));
                    }

                    break;
                case HistoryOps.Read:
                    readsFailed++;
                    break;
                case HistoryOps.Invalidate or HistoryOps.Write:
                    if (r.IsAcknowledged)
                    {
                        acknowledged++;
                        path.Acknowledged.Add(r);
                        acks.Add(r.End - (r.Op == HistoryOps.Write ? r.Written : r.Start));
                    }
                    else
                    {
                        notAcknowledged++;
                        if (fireBound is { } bound && r.Outcome == InvalidationOutcomes.Fired)
                        {
                            // Promised by the bound: from then on it counts as an acknowledgement that returned late.
                            path.Fired.Add(r with { End = r.End + bound.Ticks * 100 });
                        }
                    }

                    if (r.Op == HistoryOps.Write && r.Written != 0)
                    {
                        path.Writes.Add(r);
                    }

                    break;
                default:
                    throw new InvalidDataException($"Unknown operation '{r.Op}' in {r.Node}'s history.");
            }
        }

        var staleness = new List<long>();
        foreach (PathHistory path in byPath.Values)
        {
            path.Check(violations, staleness);
        }

        return new CheckReport
        {
            ReadsChecked = readsChecked,
            ReadsFailed = readsFailed,
            Acknowledged = acknowledged,
            NotAcknowledged = notAcknowledged,
            Violations = violations,
            StaleReads = staleness.Count,
            StalenessP50 = Percentile(staleness, 0.50),
            StalenessP99 = Percentile(staleness, 0.99),
            StalenessMax = Percentile(staleness, 1.0),
            AckP50 = Percentile(acks, 0.50),
            AckP99 = Percentile(acks, 0.99),
        };
    }

    private static TimeSpan Percentile(List<long> nanos, double q)
    {
        if (nanos.Count == 0)
        {
            return TimeSpan.Zero;
        }

        nanos.Sort();
        int index = Math.Clamp((int)Math.Ceiling(q * nanos.Count) - 1, 0, nanos.Count - 1);
        return TimeSpan.FromTicks(nanos[index] / 100);
    }

    private sealed class PathHistory
    {
        public List<HistoryRecord> Reads { get; } = [];

        public List<HistoryRecord> Acknowledged { get; } = [];

        public List<HistoryRecord> Writes { get; } = [];

        public List<HistoryRecord> Fired { get; } = [];

        public void Check(List<Violation> violations, List<long> staleness)
        {
            HistoryRecord[] ackFloor = Floors(Acknowledged);
            HistoryRecord[] fireFloor = Floors(Fired);

            // Staleness: writes by version, with the earliest arrival on disk among all versions at least as new.
            Writes.Sort((x, y) => x.Version.CompareTo(y.Version));
            var firstNewer = new long[Writes.Count];
            for (int i = Writes.Count - 1; i >= 0; i--)
            {
                firstNewer[i] = i == Writes.Count - 1 ? Writes[i].Written : Math.Min(Writes[i].Written, firstNewer[i + 1]);
            }

            foreach (HistoryRecord read in Reads)
            {
                int before = LastEndingBefore(Acknowledged, read.Start);
                if (before >= 0 && read.Version < ackFloor[before].Version)
                {
                    violations.Add(new Violation(StaleAfterAck, read, ackFloor[before]));
                }
                else if (LastEndingBefore(Fired, read.Start) is int fired and >= 0 && read.Version < fireFloor[fired].Version)
                {
                    violations.Add(new Violation(StaleAfterFireBound, read, fireFloor[fired]));
                }

                int newer = FirstNewerThan(read.Version);
                if (newer < Writes.Count && firstNewer[newer] < read.Start)
                {
                    staleness.Add(read.Start - firstNewer[newer]);
                }
            }
        }

        /// <summary>
        /// Sorts invalidations by return time and gives, at each, the one covering the newest version so far: a read
        /// starting after the k-th returned must return at least the largest version among the first k.
        /// </summary>
        private static HistoryRecord[] Floors(List<HistoryRecord> invalidations)
        {
            invalidations.Sort((x, y) => x.End.CompareTo(y.End));
            var floor = new HistoryRecord[invalidations.Count];
            for (int i = 0; i < floor.Length; i++)
            {
                floor[i] = i > 0 && floor[i - 1].Version >= invalidations[i].Version ? floor[i - 1] : invalidations[i];
            }

            return floor;
        }

        private static int LastEndingBefore(List<HistoryRecord> invalidations, long time)
        {
            int lo = 0, hi = invalidations.Count - 1, found = -1;
            while (lo <= hi)
            {
                int mid = (lo + hi) >>> 1;
                if (invalidations[mid].End < time)
                {
                    found = mid;
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            return found;
        }

        private int FirstNewerThan(long version)
        {
            int lo = 0, hi = Writes.Count;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (Writes[mid].Version > version)
                {
                    hi = mid;
                }
                else
                {
                    lo = mid + 1;
                }
            }

            return lo;
        }
    }
}
