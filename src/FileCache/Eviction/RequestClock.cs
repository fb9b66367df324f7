using FileCache.Storage;

namespace FileCache.Eviction;

/// <summary>
/// The cache's requests (hits and misses over every project) as the admission policy sees them, kept up to date at a
/// cost that does not depend on the number of projects. The projects count their requests in their own striped
/// counters (a hit touches nothing shared); summing all of them on every insert would cost one read per project.
/// Instead each insert reads the counters of the project it inserts into, plus one other project in turn, and adds
/// what they grew by since they were last read. So the total is exact for the projects being written, and at most one
/// round of inserts (one per project) behind for projects that are only read. Used under the store lock only.
/// </summary>
internal sealed class RequestClock
{
    private readonly List<Partition> _tracked = [];
    private int _next;

    /// <summary>Gets the hits counted so far.</summary>
    public long Hits { get; private set; }

    /// <summary>Gets the misses counted so far.</summary>
    public long Misses { get; private set; }

    /// <summary>Gets the requests counted so far: the policy's clock, in requests.</summary>
    public long Now => Hits + Misses;

    /// <summary>Gets how many times a project's counters were read (for the test that keeps this independent of the project count).</summary>
    public long PartitionReads { get; private set; }

    /// <summary>Brings the totals up to date for <paramref name="partition"/> (the one written to) and one other project in turn.</summary>
    public void Advance(Partition partition)
    {
        if (partition.ClockSlot < 0)
        {
            partition.ClockSlot = _tracked.Count;
            _tracked.Add(partition);
        }

        Read(partition);
        if (_tracked.Count > 1)
        {
            if (_next >= _tracked.Count)
            {
                _next = 0;
            }

            var other = _tracked[_next];
            if (other.Removed)
            {
                // Its counters no longer move: forget it (swap with the last, so the list stays dense).
                var last = _tracked[^1];
                _tracked[_next] = last;
                last.ClockSlot = _next;
                _tracked.RemoveAt(_tracked.Count - 1);
                other.ClockSlot = -1;
            }
            else
            {
                _next++;
                if (other != partition)
                {
                    Read(other);
                }
            }
        }
    }

    private void Read(Partition partition)
    {
        PartitionReads++;
        long hits = partition.Counters.Hits.Sum();
        long misses = partition.Counters.Misses.Sum();
        Hits += hits - partition.ClockHits;
        Misses += misses - partition.ClockMisses;
        partition.ClockHits = hits;
        partition.ClockMisses = misses;
    }
}
