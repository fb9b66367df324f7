namespace FileCache.AspNetCore;

/// <summary>Options of the dashboard mapped by <c>MapFileCacheDashboard</c>.</summary>
public sealed class FileCacheDashboardOptions
{
    /// <summary>Gets or sets the page's title.</summary>
    /// <value>Defaults to <c>FileCache</c>. Not empty; at most 100 characters.</value>
    public string Title { get; set; } = "FileCache";

    /// <summary>Gets or sets how often the page asks for fresh figures (it stops while its tab is hidden).</summary>
    /// <value>Defaults to 1 second. From 100 milliseconds to 1 minute.</value>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how many hot keys the page shows.</summary>
    /// <value>Defaults to 10. From 1 to 100.</value>
    public int HotKeyCount { get; set; } = 10;

    /// <summary>Gets or sets how many raised and resolved alerts the dashboard remembers.</summary>
    /// <value>Defaults to 50. From 1 to 10,000.</value>
    public int RecentAlertCapacity { get; set; } = 50;

    /// <summary>Gets or sets the longest an alert rule can be muted from the page.</summary>
    /// <value>Defaults to 7 days. Positive.</value>
    public TimeSpan MaxMuteDuration { get; set; } = TimeSpan.FromDays(7);
}
