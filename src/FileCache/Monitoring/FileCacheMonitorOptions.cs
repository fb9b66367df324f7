namespace FileCache.Monitoring;

/// <summary>Options of the <see cref="CacheMonitor"/>: alert rules.</summary>
public sealed class FileCacheMonitorOptions
{
    /// <summary>Gets or sets a value indicating whether the built-in rules (<see cref="BuiltInAlertRules.All"/>) are evaluated besides <see cref="Rules"/>.</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool UseBuiltInRules { get; set; } = true;

    /// <summary>Gets the alert rules to evaluate at every history snapshot.</summary>
    /// <value>Defaults to an empty list. Names must be unique (built-in names included when those are used).</value>
    public IList<AlertRule> Rules { get; } = new List<AlertRule>();
}
