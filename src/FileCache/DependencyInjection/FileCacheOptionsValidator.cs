using FileCache.Compression;
using FileCache.Eviction;
using FileCache.Invalidation;
using FileCache.Monitoring;
using FileCache.Statistics;
using FileCache.Writing;
using Microsoft.Extensions.Options;

namespace FileCache.DependencyInjection;

/// <summary>Validates <see cref="FileCacheOptions"/> once at start-up: one message per invalid field.</summary>
internal sealed class FileCacheOptionsValidator : IValidateOptions<FileCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, FileCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Validate(options).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static IEnumerable<string> Validate(FileCacheOptions options)
    {
        if (options.Name is { } name && string.IsNullOrWhiteSpace(name))
        {
            yield return "FileCacheOptions.Name must not be empty or blank when set.";
        }

        if (options.MaxBytes <= 0)
        {
            yield return $"FileCacheOptions.MaxBytes must be positive (was {options.MaxBytes}).";
        }

        if (options.MaxEntryBytes is <= 0)
        {
            yield return $"FileCacheOptions.MaxEntryBytes must be positive when set (was {options.MaxEntryBytes}).";
        }

        if (options.DefaultAbsoluteExpiration is { } absolute && absolute <= TimeSpan.Zero)
        {
            yield return $"FileCacheOptions.DefaultAbsoluteExpiration must be positive when set (was {absolute}).";
        }

        if (options.DefaultSlidingExpiration is { } sliding && sliding <= TimeSpan.Zero)
        {
            yield return $"FileCacheOptions.DefaultSlidingExpiration must be positive when set (was {sliding}).";
        }

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

        // Each nested options class has one validator, in its feature's folder; the messages name the property's path.
        var nested = FileCacheMemoryOptionsValidator.Validate(options.Memory, "FileCacheOptions.Memory")
            .Concat(FileCacheCompressionOptionsValidator.Validate(options.Compression, "FileCacheOptions.Compression"))
            .Concat(FileCacheStatisticsOptionsValidator.Validate(options.Statistics, "FileCacheOptions.Statistics"))
            .Concat(FileCacheMonitorOptionsValidator.Validate(options.Monitoring, "FileCacheOptions.Monitoring"))
            .Concat(InvalidationOptionsValidator.Validate(options.Invalidation, "FileCacheOptions.Invalidation"))
            .Concat(FileCacheWriteOptionsValidator.Validate(options.Writing, "FileCacheOptions.Writing"));
        foreach (string error in nested)
        {
            yield return error;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < options.Projects.Count; i++)
        {
            var project = options.Projects[i];
            string field = $"FileCacheOptions.Projects[{i}]";
            if (project is null)
            {
                yield return $"{field} must not be null.";
                continue;
            }

            foreach (string error in FileCacheProjectOptionsValidator.Validate(project, options.MaxBytes, field))
            {
                yield return error;
            }

            if (!string.IsNullOrEmpty(project.Name) && !names.Add(project.Name))
            {
                yield return $"{field}.Name '{project.Name}' is registered twice.";
            }
        }
    }
}
