namespace FileCache.Monitoring;

/// <summary>Rates and ratios between two snapshots.</summary>
internal static class MetricMath
{
    public static double? Compute(AlertMetric metric, StatisticsSnapshot latest, StatisticsSnapshot? baseline, long minimumEvents)
    {
        if (metric == AlertMetric.MemoryUsage)
        {
            return latest.BudgetBytes <= 0 ? null : (double)latest.Counters.Bytes / latest.BudgetBytes;
        }

        if (baseline is null || baseline.At >= latest.At)
        {
            return null;
        }

        var now = latest.Counters;
        var then = baseline.Counters;
        switch (metric)
        {
            case AlertMetric.HitRatio:
            {
                long hits = now.Hits - then.Hits;
                long requests = hits + (now.Misses - then.Misses);
                return requests <= 0 || requests < minimumEvents ? null : (double)hits / requests;
            }

            case AlertMetric.CapacityEvictionsPerMinute:
            {
                double minutes = (latest.At - baseline.At).TotalMinutes;
                return (now.Evictions.Capacity - then.Evictions.Capacity) / minutes;
            }

            case AlertMetric.LoadFailureRatio:
            {
                long failures = now.LoadFailures - then.LoadFailures;
                long loads = (now.Loads - then.Loads) + failures;
                return loads <= 0 || loads < minimumEvents ? null : (double)failures / loads;
            }

            case AlertMetric.AverageLoadSeconds:
            {
                long loads = latest.LoadsMeasured - baseline.LoadsMeasured;
                return loads <= 0 || loads < minimumEvents ? null : (latest.LoadSeconds - baseline.LoadSeconds) / loads;
            }

            default:
                return null;
        }
    }
}
