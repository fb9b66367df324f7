namespace FileCache.Writing;

/// <summary>Start-up checks of <see cref="FileCacheWriteOptions"/>: one message per invalid property, named by its path.</summary>
internal static class FileCacheWriteOptionsValidator
{
    public static IEnumerable<string> Validate(FileCacheWriteOptions options, string path)
    {
        if (options.WriteBehindDelay < TimeSpan.Zero)
        {
            yield return $"{path}.WriteBehindDelay must not be negative (was {options.WriteBehindDelay}).";
        }

        if (options.RetryDelay <= TimeSpan.Zero)
        {
            yield return $"{path}.RetryDelay must be positive (was {options.RetryDelay}).";
        }

        if (options.MaxRetryDelay < options.RetryDelay)
        {
            yield return $"{path}.MaxRetryDelay must be at least RetryDelay (was {options.MaxRetryDelay}, RetryDelay {options.RetryDelay}).";
        }

        if (options.DisposeFlushTimeout < TimeSpan.Zero)
        {
            yield return $"{path}.DisposeFlushTimeout must not be negative (was {options.DisposeFlushTimeout}).";
        }
    }
}
