using Microsoft.Extensions.Options;

namespace FileCache.AspNetCore.Dashboard;

/// <summary>Validates <see cref="FileCacheDashboardOptions"/> once, at start-up.</summary>
internal sealed class DashboardOptionsValidator : IValidateOptions<FileCacheDashboardOptions>
{
    private const string O = nameof(FileCacheDashboardOptions);

    public ValidateOptionsResult Validate(string? name, FileCacheDashboardOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Title) || options.Title.Length > 100)
        {
            failures.Add($"{O}.Title must not be empty and at most 100 characters.");
        }

        if (options.RefreshInterval < TimeSpan.FromMilliseconds(100) || options.RefreshInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{O}.RefreshInterval must be from 100 ms to 1 minute (was {options.RefreshInterval}).");
        }

        if (options.HotKeyCount is < 1 or > 100)
        {
            failures.Add($"{O}.HotKeyCount must be from 1 to 100 (was {options.HotKeyCount}).");
        }

        if (options.RecentAlertCapacity is < 1 or > 10_000)
        {
            failures.Add($"{O}.RecentAlertCapacity must be from 1 to 10000 (was {options.RecentAlertCapacity}).");
        }

        if (options.MaxMuteDuration <= TimeSpan.Zero)
        {
            failures.Add($"{O}.MaxMuteDuration must be positive (was {options.MaxMuteDuration}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
