using FileCache.Storage;

namespace FileCache.Eviction;

/// <summary>
/// The two intrusive doubly linked lists an entry is on: the global one (budget) and, for a project with a quota, its
/// partition's (whose links are on the entry's side object). Next of a sentinel is the eviction end; new and promoted entries go before the sentinel.
/// All members must be called under the store lock.
/// </summary>
internal static class ClockList
{
    public static void Link(CacheEntry head, CacheEntry partitionHead, CacheEntry entry)
    {
        entry.Prev = head.Prev;
        entry.Next = head;
        head.Prev.Next = entry;
        head.Prev = entry;
        if (entry.HasPartitionLinks)
        {
            entry.PartPrev = partitionHead.PartPrev;
            entry.PartNext = partitionHead;
            partitionHead.PartPrev.PartNext = entry;
            partitionHead.PartPrev = entry;
        }

        entry.Linked = true;
    }

    public static void Unlink(CacheEntry entry)
    {
        entry.Prev.Next = entry.Next;
        entry.Next.Prev = entry.Prev;
        entry.Prev = entry.Next = entry;
        if (entry.HasPartitionLinks)
        {
            entry.PartPrev.PartNext = entry.PartNext;
            entry.PartNext.PartPrev = entry.PartPrev;
            entry.PartPrev = entry.PartNext = entry;
        }

        entry.Linked = false;
    }

    /// <summary>The second chance: an entry read since it was last considered moves to the far end of both lists.</summary>
    public static void Promote(CacheEntry head, CacheEntry partitionHead, CacheEntry entry)
    {
        entry.Hits = 0;
        Unlink(entry);
        Link(head, partitionHead, entry);
    }

    /// <summary>A second chance within the partition's list only (the global list belongs to another policy).</summary>
    public static void PromoteInPartition(CacheEntry partitionHead, CacheEntry entry)
    {
        entry.PartPrev.PartNext = entry.PartNext;
        entry.PartNext.PartPrev = entry.PartPrev;
        entry.PartPrev = partitionHead.PartPrev;
        entry.PartNext = partitionHead;
        partitionHead.PartPrev.PartNext = entry;
        partitionHead.PartPrev = entry;
    }

    /// <summary>Links the entry at the end of its partition's list only; its global links are the policy's to set.</summary>
    public static void LinkPartitionOnly(CacheEntry partitionHead, CacheEntry entry)
    {
        entry.Prev = entry.Next = entry;
        if (entry.HasPartitionLinks)
        {
            entry.PartPrev = partitionHead.PartPrev;
            entry.PartNext = partitionHead;
            partitionHead.PartPrev.PartNext = entry;
            partitionHead.PartPrev = entry;
        }

        entry.Linked = true;
    }
}
