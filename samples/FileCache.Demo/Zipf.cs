namespace FileCache.Demo;

/// <summary>
/// Zipf-distributed popularity: the item of rank r is drawn with probability proportional to 1 / r^s.
/// Which item gets which rank is a seeded shuffle, so popularity does not follow path order.
/// </summary>
internal sealed class Zipf
{
    private readonly double[] _cdf;
    private readonly int[] _itemOfRank;

    public Zipf(int items, double exponent, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(items);
        _cdf = new double[items];
        double sum = 0;
        for (int rank = 1; rank <= items; rank++)
        {
            sum += 1.0 / Math.Pow(rank, exponent);
            _cdf[rank - 1] = sum;
        }

        for (int i = 0; i < items; i++)
        {
            _cdf[i] /= sum;
        }

        _itemOfRank = Enumerable.Range(0, items).ToArray();
        new Random(seed).Shuffle(_itemOfRank);
    }

    /// <summary>The item drawn most often.</summary>
    public int MostPopular => _itemOfRank[0];

    /// <summary>Draws <paramref name="count"/> items up front (so drawing is never timed), from a seeded generator.</summary>
    public int[] Sequence(int count, int seed)
    {
        var random = new Random(seed);
        var result = new int[count];
        for (int i = 0; i < count; i++)
        {
            int rank = Array.BinarySearch(_cdf, random.NextDouble());
            result[i] = _itemOfRank[Math.Min(rank < 0 ? ~rank : rank, _itemOfRank.Length - 1)];
        }

        return result;
    }
}
