using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FileCache.Statistics;

/// <summary>
/// A counter split over cache-line-padded cells so that threads on different cores increment different
/// lines; the cells are summed only when read. Increments are exact (Interlocked), reads are a sum of
/// cells and so a moment's snapshot, not a linearizable value.
/// </summary>
internal readonly struct StripedCounter
{
    private static readonly int CellCount = (int)Math.Min(64, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount));
    private readonly PaddedLong[] _cells;

    public StripedCounter() => _cells = new PaddedLong[CellCount];

    /// <summary>The heap bytes of one counter's cells (they scale with the processor count).</summary>
    public static int HeapBytes => 24 + (CellCount * Unsafe.SizeOf<PaddedLong>());

    /// <summary>Adds one; returns the new value of the cell incremented (not the sum), which samplers use as a cheap "every Nth" tick.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Increment()
    {
        // The processor id is cached per thread by the runtime; a stale id only costs some sharing.
        int index = Thread.GetCurrentProcessorId() & (CellCount - 1);
        return Interlocked.Increment(ref _cells[index].Value);
    }

    public void Add(long delta)
    {
        int index = Thread.GetCurrentProcessorId() & (CellCount - 1);
        Interlocked.Add(ref _cells[index].Value, delta);
    }

    public long Sum()
    {
        long sum = 0;
        for (int i = 0; i < _cells.Length; i++)
        {
            sum += Volatile.Read(ref _cells[i].Value);
        }

        return sum;
    }

    public void Reset()
    {
        for (int i = 0; i < _cells.Length; i++)
        {
            Volatile.Write(ref _cells[i].Value, 0);
        }
    }
}

/// <summary>A long alone on its cache line (128 bytes covers adjacent-line prefetch).</summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct PaddedLong
{
    [FieldOffset(64)]
    public long Value;
}
