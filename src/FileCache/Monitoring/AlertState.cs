namespace FileCache.Monitoring;

/// <summary>One rule's evaluation state; guarded by the monitor's lock.</summary>
internal sealed class AlertState(AlertRule rule)
{
    /// <summary>Gets or sets the rule; replaced (never mutated) by <see cref="CacheMonitor.UpdateRule"/>.</summary>
    public AlertRule Rule { get; set; } = rule;

    public DateTimeOffset? HoldingSince { get; private set; }

    public CacheAlert? Active { get; private set; }

    /// <summary>Feeds one evaluation; returns the alert raised or resolved by it, if any.</summary>
    public (CacheAlert Alert, bool Raised)? Evaluate(DateTimeOffset now, double? value)
    {
        double resolveAt = Rule.ResolveThreshold ?? Rule.Threshold;
        bool below = Rule.Comparison == AlertComparison.Below;
        if (Active is null)
        {
            bool firing = value is { } v && (below ? v < Rule.Threshold : v > Rule.Threshold);
            if (!firing)
            {
                HoldingSince = null;
                return null;
            }

            HoldingSince ??= now;
            if (now - HoldingSince.Value < Rule.Duration)
            {
                return null;
            }

            HoldingSince = null;
            Active = new CacheAlert(Rule.Name, Rule.Metric, value!.Value, Rule.Threshold, now, null);
            return (Active, true);
        }

        if (value is null)
        {
            // No data (for example no requests in the window): neither confirms nor clears the alert.
            return null;
        }

        bool cleared = below ? value.Value > resolveAt : value.Value < resolveAt;
        if (!cleared)
        {
            HoldingSince = null;
            return null;
        }

        HoldingSince ??= now;
        if (now - HoldingSince.Value < Rule.Duration)
        {
            return null;
        }

        var resolved = Active with { Value = value.Value, Threshold = resolveAt, ResolvedAt = now };
        Active = null;
        HoldingSince = null;
        return (resolved, false);
    }
}
