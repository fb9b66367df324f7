namespace FileCache.Monitoring;

/// <summary>An alert that was raised (and possibly resolved since).</summary>
/// <param name="RuleName">The rule's name.</param>
/// <param name="Metric">The metric watched.</param>
/// <param name="Value">The metric's value at the evaluation that raised or resolved the alert.</param>
/// <param name="Threshold">The threshold crossed: the rule's threshold when raised, its resolve threshold when resolved.</param>
/// <param name="RaisedAt">When the alert was raised.</param>
/// <param name="ResolvedAt">When it was resolved; <see langword="null"/> while active.</param>
public sealed record CacheAlert(string RuleName, AlertMetric Metric, double Value, double Threshold, DateTimeOffset RaisedAt, DateTimeOffset? ResolvedAt);

/// <summary>Data of <see cref="CacheMonitor.AlertRaised"/> and <see cref="CacheMonitor.AlertResolved"/>.</summary>
public sealed class CacheAlertEventArgs : EventArgs
{
    /// <summary>Initializes a new instance of the <see cref="CacheAlertEventArgs"/> class.</summary>
    /// <param name="alert">The alert.</param>
    public CacheAlertEventArgs(CacheAlert alert) => Alert = alert;

    /// <summary>Gets the alert.</summary>
    public CacheAlert Alert { get; }
}

/// <summary>A change to consider, with the figures that suggest it.</summary>
/// <param name="Code">A stable identifier (for example <c>raise-budget</c>).</param>
/// <param name="Advice">What to change.</param>
/// <param name="Evidence">The statistics behind the advice.</param>
public sealed record Recommendation(string Code, string Advice, string Evidence);
