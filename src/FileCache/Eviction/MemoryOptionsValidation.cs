namespace FileCache.Eviction;

/// <summary>Start-up checks of the eviction, expiration, memory-pressure and compression options: one message per invalid field.</summary>
internal static class MemoryOptionsValidation
{
    public static IEnumerable<string> Validate(FileCacheOptions options)
    {
        if (!Enum.IsDefined(options.EvictionPolicy))
        {
            yield return $"FileCacheOptions.EvictionPolicy must be Clock or TinyLfu (was {(int)options.EvictionPolicy}).";
        }

        if (options.ExpirationScanInterval <= TimeSpan.Zero)
        {
            yield return $"FileCacheOptions.ExpirationScanInterval must be positive (was {options.ExpirationScanInterval}).";
        }

        if (options.MaxExpirationsPerScan <= 0)
        {
            yield return $"FileCacheOptions.MaxExpirationsPerScan must be positive (was {options.MaxExpirationsPerScan}).";
        }

        if (options.CompressionThresholdBytes is < 64)
        {
            yield return $"FileCacheOptions.CompressionThresholdBytes must be at least 64 when set (was {options.CompressionThresholdBytes}).";
        }

        if (!(options.MinCompressionSavings > 0 && options.MinCompressionSavings < 1))
        {
            yield return $"FileCacheOptions.MinCompressionSavings must be greater than 0 and less than 1 (was {options.MinCompressionSavings}).";
        }

        if (options.MemoryCheckInterval <= TimeSpan.Zero)
        {
            yield return $"FileCacheOptions.MemoryCheckInterval must be positive (was {options.MemoryCheckInterval}).";
        }

        if (!(options.MemoryPressureThreshold > 0 && options.MemoryPressureThreshold <= 1))
        {
            yield return $"FileCacheOptions.MemoryPressureThreshold must be greater than 0 and at most 1 (was {options.MemoryPressureThreshold}).";
        }

        if (!(options.MinBudgetFraction > 0 && options.MinBudgetFraction <= 1))
        {
            yield return $"FileCacheOptions.MinBudgetFraction must be greater than 0 and at most 1 (was {options.MinBudgetFraction}).";
        }

        if (options.MemoryAlertThresholds is null || options.MemoryAlertThresholds.Any(t => !(t > 0) || double.IsInfinity(t)))
        {
            yield return "FileCacheOptions.MemoryAlertThresholds must hold only positive, finite fractions.";
        }
    }
}
