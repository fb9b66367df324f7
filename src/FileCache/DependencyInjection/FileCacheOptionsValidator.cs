using FileCache.Monitoring;
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

        foreach (string error in ObservabilityOptionsValidator.Validate(options.Statistics, options.Monitoring))
        {
            yield return error;
        }

        foreach (string error in Eviction.MemoryOptionsValidation.Validate(options))
        {
            yield return error;
        }

        foreach (string error in options.Invalidation.Validate("FileCacheOptions.Invalidation"))
        {
            yield return error;
        }

        foreach (string error in options.Writing.Validate("FileCacheOptions.Writing"))
        {
            yield return error;
        }

        foreach (string error in options.Warming.Validate("FileCacheOptions.Warming"))
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

            foreach (string error in ValidateProject(project, options.MaxBytes, field))
            {
                yield return error;
            }

            if (!string.IsNullOrEmpty(project.Name) && !names.Add(project.Name))
            {
                yield return $"{field}.Name '{project.Name}' is registered twice.";
            }
        }
    }

    public static IEnumerable<string> ValidateProject(FileCacheProjectOptions project, long budget, string field)
    {
        if (string.IsNullOrEmpty(project.Name))
        {
            yield return $"{field}.Name must not be empty.";
        }
        else if (project.Name.Contains('\0', StringComparison.Ordinal))
        {
            yield return $"{field}.Name must not contain a NUL character.";
        }

        if (project.RootPath is not null)
        {
            if (project.RootPath.Length == 0 || project.RootPath.Contains('\0', StringComparison.Ordinal) || !Path.IsPathFullyQualified(project.RootPath))
            {
                yield return $"{field}.RootPath must be an absolute path (was '{project.RootPath}').";
            }
            else if (!Directory.Exists(project.RootPath))
            {
                yield return $"{field}.RootPath '{project.RootPath}' is not an existing directory.";
            }
            else if (project.IgnoreCase && Sources.FileSystemCase.IsCaseSensitive(project.RootPath))
            {
                // Keys that ignore case over names that do not: 'a.txt' and 'A.TXT' are two files there, and one key for
                // both would serve whichever was cached first for either (and hit for a name that does not exist).
                yield return $"{field}.IgnoreCase is set, but RootPath '{project.RootPath}' is on a case-sensitive file system, where names that differ only in case are different files: leave IgnoreCase off for this root.";
            }
        }

        if (project.FileProvider is not null && project.Source is not null)
        {
            yield return $"{field}: set FileProvider or Source, not both.";
        }

        if ((project.FileProvider is not null || project.Source is not null) && project.RootPath is not null)
        {
            yield return $"{field}: a project backed by a FileProvider or a Source has no RootPath (it reads nothing from a directory of its own).";
        }

        if (project.MaxBytes is { } quota && (quota <= 0 || quota > budget))
        {
            yield return $"{field}.MaxBytes must be positive and at most FileCacheOptions.MaxBytes ({budget}) when set (was {quota}).";
        }
    }
}
