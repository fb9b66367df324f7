namespace FileCache.DependencyInjection;

/// <summary>Checks of <see cref="FileCacheProjectOptions"/>, at start-up and in <see cref="IFileCache.AddProject"/>: one message per invalid property.</summary>
internal static class FileCacheProjectOptionsValidator
{
    public static IEnumerable<string> Validate(FileCacheProjectOptions project, long budget, string field)
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
