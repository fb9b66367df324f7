namespace FileCache.Sources;

/// <summary>Finds out whether a directory's file system tells names apart by case (checked when a case-insensitive project is registered).</summary>
internal static class FileSystemCase
{
    /// <summary>
    /// True when names in <paramref name="directory"/> that differ only in case are different files. Looks for an entry
    /// whose name has letters and asks for it with the case of its letters swapped: not found, or listed as an entry of
    /// its own, means case-sensitive; found means case-insensitive. An empty directory gets a probe file for the time of
    /// the question; where none can be written, the platform's usual answer (case-sensitive except on Windows and macOS).
    /// </summary>
    public static bool IsCaseSensitive(string directory)
    {
        try
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            string? sample = null;
            foreach (string entry in Directory.EnumerateFileSystemEntries(directory))
            {
                string name = Path.GetFileName(entry);
                names.Add(name);
                if (sample is null && !string.Equals(SwapCase(name), name, StringComparison.Ordinal))
                {
                    sample = name;
                }

                if (names.Count >= 256 && sample is not null)
                {
                    break;
                }
            }

            if (sample is not null)
            {
                string swapped = SwapCase(sample);
                return names.Contains(swapped) || !Path.Exists(Path.Join(directory, swapped));
            }

            return Probe(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return PlatformDefault;
        }
    }

    private static bool PlatformDefault => !OperatingSystem.IsWindows() && !OperatingSystem.IsMacOS();

    private static bool Probe(string directory)
    {
        string probe = Path.Join(directory, ".filecache-case-probe-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
                return !Path.Exists(Path.Join(directory, SwapCase(Path.GetFileName(probe))));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return PlatformDefault;
        }
    }

    private static string SwapCase(string name) => string.Create(name.Length, name, static (span, source) =>
    {
        for (int i = 0; i < source.Length; i++)
        {
            char c = source[i];
            span[i] = char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c);
        }
    });
}
