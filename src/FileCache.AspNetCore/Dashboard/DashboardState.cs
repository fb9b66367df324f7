using FileCache.AspNetCore.Internal;
using Microsoft.Extensions.Options;

namespace FileCache.AspNetCore.Dashboard;

/// <summary>
/// What the dashboard keeps besides the cache's own figures: the alerts raised and resolved lately, the rules' defaults
/// (as the options gave them at start-up, so a change from the page can be undone and a restart starts from them) and
/// the mutes. One per application (a singleton).
/// </summary>
internal sealed class DashboardState : IDisposable
{
    private readonly object _lock = new();
    private readonly Queue<RecentAlert> _recent = new();
    private readonly Dictionary<string, DateTimeOffset> _mutedUntil = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly int _capacity;
    private readonly IDisposable _subscription;

    public DashboardState(CacheReader reader, IOptions<FileCacheDashboardOptions> options, TimeProvider time)
    {
        Reader = reader;
        Options = options.Value;
        _time = time;
        _capacity = Options.RecentAlertCapacity;
        Defaults = reader.Rules().ToDictionary(r => r.Name, StringComparer.Ordinal);
        _subscription = reader.SubscribeAlerts(OnAlert);
    }

    public CacheReader Reader { get; }

    public FileCacheDashboardOptions Options { get; }

    /// <summary>Gets the rules as the options defined them, by name.</summary>
    public IReadOnlyDictionary<string, RuleView> Defaults { get; }

    /// <summary>The alerts raised or resolved lately, newest first.</summary>
    public IReadOnlyList<RecentAlert> Recent()
    {
        lock (_lock)
        {
            return _recent.Reverse().ToArray();
        }
    }

    /// <summary>Returns until when a rule is muted, or null.</summary>
    public DateTimeOffset? MutedUntil(string rule)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_mutedUntil.TryGetValue(rule, out var until))
            {
                if (until > now)
                {
                    return until;
                }

                _mutedUntil.Remove(rule);
            }

            return null;
        }
    }

    public DateTimeOffset Mute(string rule, TimeSpan duration)
    {
        var until = _time.GetUtcNow() + duration;
        lock (_lock)
        {
            _mutedUntil[rule] = until;
        }

        return until;
    }

    public bool Unmute(string rule)
    {
        lock (_lock)
        {
            return _mutedUntil.Remove(rule);
        }
    }

    public void Dispose() => _subscription.Dispose();

    private void OnAlert(AlertView alert, bool raised)
    {
        lock (_lock)
        {
            _recent.Enqueue(new RecentAlert(raised ? "raised" : "resolved", alert, _time.GetUtcNow()));
            while (_recent.Count > _capacity)
            {
                _recent.Dequeue();
            }
        }
    }
}

/// <summary>An alert event the dashboard saw.</summary>
internal sealed record RecentAlert(string Kind, AlertView Alert, DateTimeOffset At);
