using FileCache.Statistics;

namespace FileCache.Monitoring;

/// <summary>Validates the statistics and monitor options for the options validator: one message per invalid field.</summary>
internal static class ObservabilityOptionsValidator
{
    public static IEnumerable<string> Validate(FileCacheStatisticsOptions statistics, FileCacheMonitorOptions monitoring)
    {
        const string S = "FileCacheOptions.Statistics";
        if (statistics.HitSampleRate is < 1 or > 65536 || !IsPowerOfTwo(statistics.HitSampleRate))
        {
            yield return $"{S}.HitSampleRate must be a power of two from 1 to 65536 (was {statistics.HitSampleRate}).";
        }

        if (statistics.HitTimingRate < statistics.HitSampleRate || statistics.HitTimingRate > (1 << 20) || !IsPowerOfTwo(statistics.HitTimingRate))
        {
            yield return $"{S}.HitTimingRate must be a power of two from HitSampleRate ({statistics.HitSampleRate}) to 1048576 (was {statistics.HitTimingRate}).";
        }

        if (statistics.HotKeyCount is < 1 or > 1000)
        {
            yield return $"{S}.HotKeyCount must be from 1 to 1000 (was {statistics.HotKeyCount}).";
        }

        if (statistics.HistoryInterval is { } interval && interval < TimeSpan.FromMilliseconds(10))
        {
            yield return $"{S}.HistoryInterval must be at least 10 ms when set (was {interval}).";
        }

        if (statistics.HistoryCapacity is < 2 or > 1_000_000)
        {
            yield return $"{S}.HistoryCapacity must be from 2 to 1000000 (was {statistics.HistoryCapacity}).";
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        if (monitoring.UseBuiltInRules)
        {
            foreach (var rule in BuiltInAlertRules.All())
            {
                names.Add(rule.Name);
            }
        }

        for (int i = 0; i < monitoring.Rules.Count; i++)
        {
            string field = $"FileCacheOptions.Monitoring.Rules[{i}]";
            var rule = monitoring.Rules[i];
            if (rule is null)
            {
                yield return $"{field} must not be null.";
                continue;
            }

            if (string.IsNullOrWhiteSpace(rule.Name))
            {
                yield return $"{field}.Name must not be empty.";
            }
            else if (!names.Add(rule.Name))
            {
                yield return $"{field}.Name '{rule.Name}' is used twice (built-in rule names count when UseBuiltInRules is set).";
            }

            if (!Enum.IsDefined(rule.Metric))
            {
                yield return $"{field}.Metric is not a known metric (was {(int)rule.Metric}).";
            }

            if (!Enum.IsDefined(rule.Comparison))
            {
                yield return $"{field}.Comparison is not a known comparison (was {(int)rule.Comparison}).";
            }

            if (!double.IsFinite(rule.Threshold))
            {
                yield return $"{field}.Threshold must be finite (was {rule.Threshold}).";
            }

            if (rule.ResolveThreshold is { } resolve && (!double.IsFinite(resolve)
                || (rule.Comparison == AlertComparison.Above && resolve > rule.Threshold)
                || (rule.Comparison == AlertComparison.Below && resolve < rule.Threshold)))
            {
                yield return $"{field}.ResolveThreshold must be finite and not beyond Threshold in the firing direction (was {resolve}, threshold {rule.Threshold}, {rule.Comparison}).";
            }

            if (rule.Window < TimeSpan.Zero)
            {
                yield return $"{field}.Window must not be negative (was {rule.Window}).";
            }

            if (rule.Duration < TimeSpan.Zero)
            {
                yield return $"{field}.Duration must not be negative (was {rule.Duration}).";
            }

            if (rule.MinimumEvents < 0)
            {
                yield return $"{field}.MinimumEvents must not be negative (was {rule.MinimumEvents}).";
            }
        }
    }

    private static bool IsPowerOfTwo(int value) => value > 0 && (value & (value - 1)) == 0;
}
