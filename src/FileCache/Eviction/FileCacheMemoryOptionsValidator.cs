namespace FileCache.Eviction;

/// <summary>Start-up checks of <see cref="FileCacheMemoryOptions"/>: one message per invalid property, named by its path.</summary>
internal static class FileCacheMemoryOptionsValidator
{
    public static IEnumerable<string> Validate(FileCacheMemoryOptions options, string path)
    {
        if (options.CheckInterval <= TimeSpan.Zero)
        {
            yield return $"{path}.CheckInterval must be positive (was {options.CheckInterval}).";
        }

        if (!(options.PressureThreshold > 0 && options.PressureThreshold <= 1))
        {
            yield return $"{path}.PressureThreshold must be greater than 0 and at most 1 (was {options.PressureThreshold}).";
        }

        if (!(options.MinBudgetFraction > 0 && options.MinBudgetFraction <= 1))
        {
            yield return $"{path}.MinBudgetFraction must be greater than 0 and at most 1 (was {options.MinBudgetFraction}).";
        }

        if (options.AlertThresholds is null || options.AlertThresholds.Any(t => !(t > 0) || double.IsInfinity(t)))
        {
            yield return $"{path}.AlertThresholds must hold only positive, finite fractions.";
        }
    }
}
