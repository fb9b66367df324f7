namespace FileCache.Monitoring;

/// <summary>Start-up checks of <see cref="FileCacheMonitorOptions"/> (the alert rules): one message per invalid property, named by its path.</summary>
internal static class FileCacheMonitorOptionsValidator
{
    public static IEnumerable<string> Validate(FileCacheMonitorOptions monitoring, string path)
    {
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
            string field = $"{path}.Rules[{i}]";
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
}
