namespace FileCache.Eviction;

/// <summary>
/// Turns memory-load readings into the budget in force and into alerts. Below
/// <see cref="FileCacheMemoryOptions.PressureThreshold"/> (a fraction of the GC's high-load threshold) the budget
/// is the configured one; from there to the high-load threshold it falls linearly to
/// <see cref="FileCacheMemoryOptions.MinBudgetFraction"/> of it. A drop applies at once (the caller evicts); a rise is
/// applied at most a tenth of the configured budget per check, so the cache does not refill the memory it just
/// gave back the moment the GC has collected it. An alert is raised each time the load rises across one of
/// <see cref="FileCacheMemoryOptions.AlertThresholds"/>; falling back below re-arms it. Not thread-safe: the
/// caller serializes checks.
/// </summary>
internal sealed class MemoryPressureMonitor
{
    private readonly long _configured;
    private readonly double _start;
    private readonly double _minFraction;
    private readonly double[] _alertThresholds;
    private int _level;

    public MemoryPressureMonitor(long configuredBudget, double start, double minFraction, IEnumerable<double> alertThresholds)
    {
        _configured = configuredBudget;
        _start = start;
        _minFraction = minFraction;
        _alertThresholds = alertThresholds.Order().ToArray();
        Budget = configuredBudget;
    }

    /// <summary>Gets the budget in force after the last check.</summary>
    public long Budget { get; private set; }

    /// <summary>Gets the load ratio of the last check.</summary>
    public double LastRatio { get; private set; }

    /// <summary>Gets the number of alerts raised so far.</summary>
    public long AlertsRaised { get; private set; }

    /// <summary>Applies a reading.</summary>
    /// <param name="snapshot">The reading.</param>
    /// <param name="crossed">Receives the alert thresholds the load rose across since the previous reading.</param>
    /// <returns>True when the budget in force changed.</returns>
    public bool Update(MemorySnapshot snapshot, List<double> crossed)
    {
        double ratio = snapshot.Ratio;
        LastRatio = ratio;
        long target = (long)Math.Round(_configured * FactorFor(ratio));
        long next = target < Budget ? target : Math.Min(target, Budget + Math.Max(1, _configured / 10));
        bool changed = next != Budget;
        Budget = Math.Max(1, next);

        int level = 0;
        while (level < _alertThresholds.Length && ratio >= _alertThresholds[level])
        {
            level++;
        }

        for (int i = _level; i < level; i++)
        {
            crossed.Add(_alertThresholds[i]);
            AlertsRaised++;
        }

        _level = level;
        return changed;
    }

    private double FactorFor(double ratio)
    {
        if (ratio <= _start)
        {
            return 1.0;
        }

        if (ratio >= 1.0 || _start >= 1.0)
        {
            return _minFraction;
        }

        double depth = (ratio - _start) / (1.0 - _start);
        return 1.0 - (depth * (1.0 - _minFraction));
    }
}
