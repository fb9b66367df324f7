namespace FileCache.Statistics;

/// <summary>Start-up checks of <see cref="FileCacheStatisticsOptions"/>: one message per invalid property, named by its path.</summary>
internal static class FileCacheStatisticsOptionsValidator
{
    public static IEnumerable<string> Validate(FileCacheStatisticsOptions statistics, string path)
    {
        if (statistics.HitSampleRate is < 1 or > 65536 || !IsPowerOfTwo(statistics.HitSampleRate))
        {
            yield return $"{path}.HitSampleRate must be a power of two from 1 to 65536 (was {statistics.HitSampleRate}).";
        }

        if (statistics.HitTimingRate < statistics.HitSampleRate || statistics.HitTimingRate > (1 << 20) || !IsPowerOfTwo(statistics.HitTimingRate))
        {
            yield return $"{path}.HitTimingRate must be a power of two from HitSampleRate ({statistics.HitSampleRate}) to 1048576 (was {statistics.HitTimingRate}).";
        }

        if (statistics.HotKeyCount is < 1 or > 1000)
        {
            yield return $"{path}.HotKeyCount must be from 1 to 1000 (was {statistics.HotKeyCount}).";
        }

        if (statistics.HistoryInterval is { } interval && interval < TimeSpan.FromMilliseconds(10))
        {
            yield return $"{path}.HistoryInterval must be at least 10 ms when set (was {interval}).";
        }

        if (statistics.HistoryCapacity is < 2 or > 1_000_000)
        {
            yield return $"{path}.HistoryCapacity must be from 2 to 1000000 (was {statistics.HistoryCapacity}).";
        }
    }

    private static bool IsPowerOfTwo(int value) => value > 0 && (value & (value - 1)) == 0;
}
