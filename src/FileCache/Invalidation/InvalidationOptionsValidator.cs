namespace FileCache.Invalidation;

/// <summary>Start-up checks of <see cref="InvalidationOptions"/>: one message per invalid property, named by its path.</summary>
internal static class InvalidationOptionsValidator
{
    public static IEnumerable<string> Validate(InvalidationOptions options, string path)
    {
        if (!Enum.IsDefined(options.Mode))
        {
            yield return $"{path}.Mode is not a valid ValidationMode (was {options.Mode}).";
        }

        if (options.ValidationInterval < TimeSpan.Zero)
        {
            yield return $"{path}.ValidationInterval must not be negative (was {options.ValidationInterval}).";
        }

        if (options.WatcherDebounce < TimeSpan.Zero)
        {
            yield return $"{path}.WatcherDebounce must not be negative (was {options.WatcherDebounce}).";
        }

        if (options.StormMaxDelay < TimeSpan.Zero)
        {
            yield return $"{path}.StormMaxDelay must not be negative (was {options.StormMaxDelay}).";
        }

        if (options.StormThreshold < 2)
        {
            yield return $"{path}.StormThreshold must be at least 2 (was {options.StormThreshold}).";
        }

        if (options.PollingInterval <= TimeSpan.Zero)
        {
            yield return $"{path}.PollingInterval must be positive (was {options.PollingInterval}).";
        }

        if (options.WatcherRetryInterval <= TimeSpan.Zero && options.WatcherRetryInterval != Timeout.InfiniteTimeSpan)
        {
            yield return $"{path}.WatcherRetryInterval must be positive or Timeout.InfiniteTimeSpan (was {options.WatcherRetryInterval}).";
        }

        if (options.SynchronizeTimeout <= TimeSpan.Zero)
        {
            yield return $"{path}.SynchronizeTimeout must be positive (was {options.SynchronizeTimeout}).";
        }

        if (options.MaxStaleness <= TimeSpan.Zero)
        {
            yield return $"{path}.MaxStaleness must be positive (was {options.MaxStaleness}).";
        }

        if (options.RefreshRetryDelay < TimeSpan.Zero)
        {
            yield return $"{path}.RefreshRetryDelay must not be negative (was {options.RefreshRetryDelay}).";
        }
    }
}
