using FileCache.Monitoring;
using FileCache.Storage;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.Monitoring;

public class AlertTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static (DefaultFileCache Cache, FakeTimeProvider Time, CacheMonitor Monitor, List<(string Kind, CacheAlert Alert)> Events) Create(
        TimeSpan interval, Action<FileCacheOptions> configure, long budget = 1_000_000)
    {
        var time = new FakeTimeProvider(Start);
        var cache = CacheFixture.Create(budget, time, o =>
        {
            o.Statistics.HistoryInterval = interval;
            configure(o);
        });
        var monitor = CacheMonitor.For(cache);
        var events = new List<(string, CacheAlert)>();
        monitor.AlertRaised += (_, e) => events.Add(("raised", e.Alert));
        monitor.AlertResolved += (_, e) => events.Add(("resolved", e.Alert));
        return (cache, time, monitor, events);
    }

    /// <summary>100 reads with <paramref name="hitPercent"/> hits, then one minute passes (and the timer takes a snapshot).</summary>
    private static void Minute(DefaultFileCache cache, FakeTimeProvider time, int hitPercent)
    {
        var hot = cache.CreateKey("p", "hot");
        cache.Set(hot, "x", CacheFixture.Size(1));
        var cold = cache.CreateKey("p", "cold");
        for (int i = 0; i < 100; i++)
        {
            cache.TryGet<string>(i < hitPercent ? hot : cold, out _);
        }

        time.Advance(TimeSpan.FromMinutes(1));
    }

    private static readonly AlertRule HitRatioRule = new()
    {
        Name = "hit-ratio",
        Metric = AlertMetric.HitRatio,
        Comparison = AlertComparison.Below,
        Threshold = 0.5,
        ResolveThreshold = 0.7,
        Window = TimeSpan.FromMinutes(1),
        Duration = TimeSpan.FromMinutes(2),
        MinimumEvents = 10,
    };

    [Fact]
    public void HitRatioRule_RaisesAfterDuration_HoldsInHysteresisBand_ResolvesAfterDuration()
    {
        var (cache, time, monitor, events) = Create(TimeSpan.FromMinutes(1), o =>
        {
            o.Monitoring.UseBuiltInRules = false;
            o.Monitoring.Rules.Add(HitRatioRule);
        });
        using var _ = cache;

        Minute(cache, time, 90);   // snapshot @1: no baseline yet
        Minute(cache, time, 20);   // @2: 0.2 < 0.5, holding since @2
        Minute(cache, time, 20);   // @3: held 1 min
        Assert.Empty(events);
        Minute(cache, time, 20);   // @4: held 2 min: raised
        var raised = Assert.Single(events);
        Assert.Equal("raised", raised.Kind);
        Assert.Equal(Start.AddMinutes(4), raised.Alert.RaisedAt);
        Assert.Equal(0.2, raised.Alert.Value, 3);
        Assert.Equal("hit-ratio", Assert.Single(monitor.ActiveAlerts).RuleName);

        Minute(cache, time, 60);   // @5: 0.6 is above the threshold but not above the resolve threshold: still active
        Minute(cache, time, 90);   // @6: clearing since @6
        Minute(cache, time, 90);   // @7
        Assert.Single(events);
        Minute(cache, time, 90);   // @8: cleared for 2 min: resolved
        Assert.Equal(2, events.Count);
        var resolved = events[1];
        Assert.Equal("resolved", resolved.Kind);
        Assert.Equal(Start.AddMinutes(4), resolved.Alert.RaisedAt);
        Assert.Equal(Start.AddMinutes(8), resolved.Alert.ResolvedAt);
        Assert.Equal(0.7, resolved.Alert.Threshold);
        Assert.Empty(monitor.ActiveAlerts);
    }

    [Fact]
    public void HitRatioRule_ConditionShorterThanDuration_NeverRaises()
    {
        var (cache, time, _, events) = Create(TimeSpan.FromMinutes(1), o =>
        {
            o.Monitoring.UseBuiltInRules = false;
            o.Monitoring.Rules.Add(HitRatioRule);
        });
        using var _ = cache;
        for (int round = 0; round < 5; round++)
        {
            Minute(cache, time, 90);
            Minute(cache, time, 10);
            Minute(cache, time, 10);
        }

        Assert.Empty(events);
    }

    [Fact]
    public void BuiltInMemoryRule_RaisesNearBudget_ResolvesBelowNinetyPercent()
    {
        var (cache, time, monitor, events) = Create(TimeSpan.FromSeconds(30), _ => { }, budget: 1000);
        using var _ = cache;
        Assert.Equal(5, monitor.Rules.Count);
        cache.Set(cache.CreateKey("p", "a"), "x", CacheFixture.Size(900));
        cache.Set(cache.CreateKey("p", "b"), "x", CacheFixture.Size(60));
        time.Advance(TimeSpan.FromSeconds(30));   // 96%: holding since 0:30
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Empty(events);
        time.Advance(TimeSpan.FromSeconds(30));   // held 1 min at 1:30
        var raised = Assert.Single(events);
        Assert.Equal(BuiltInAlertRules.MemoryNearBudget, raised.Alert.RuleName);
        Assert.Equal(Start.AddSeconds(90), raised.Alert.RaisedAt);
        Assert.Equal(0.96, raised.Alert.Value, 3);

        cache.Remove(cache.CreateKey("p", "b"));  // 90%: not below the resolve threshold
        time.Advance(TimeSpan.FromMinutes(3));
        Assert.Single(events);
        cache.Set(cache.CreateKey("p", "a"), "x", CacheFixture.Size(800));
        time.Advance(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(2, events.Count);
        Assert.Equal("resolved", events[1].Kind);
        Assert.Equal(0.8, events[1].Alert.Value, 3);
    }

    [Fact]
    public void ThrowingHandler_DoesNotStopOtherHandlersOrTheTimer()
    {
        var (cache, time, monitor, events) = Create(TimeSpan.FromMinutes(1), o =>
        {
            o.Monitoring.UseBuiltInRules = false;
            o.Monitoring.Rules.Add(new AlertRule { Name = "any-bytes", Metric = AlertMetric.MemoryUsage, Threshold = 0, Window = TimeSpan.Zero });
        });
        using var _ = cache;
        monitor.AlertRaised += (_, _) => throw new InvalidOperationException("handler");
        cache.Set(cache.CreateKey("p", "a"), "x", CacheFixture.Size(10));
        time.Advance(TimeSpan.FromMinutes(1));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Single(events);
        Assert.Equal(2, monitor.GetHistory().Count);
    }

    [Fact]
    public void StatisticsOff_NoTimer_NoHistory()
    {
        var (cache, time, monitor, _) = Create(TimeSpan.FromMinutes(1), o => o.Statistics.Enabled = false);
        using var _ = cache;
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.False(monitor.IsEnabled);
        Assert.Empty(monitor.GetHistory());
        Assert.Throws<InvalidOperationException>(() => monitor.TakeSnapshot());
        Assert.Empty(monitor.GetRecommendations());
    }

    [Fact]
    public void UpdateRule_NewThreshold_RaisesWhereTheOldDidNot_AndRulesReportIt()
    {
        var (cache, time, monitor, events) = Create(TimeSpan.FromMinutes(1), o =>
        {
            o.Monitoring.UseBuiltInRules = false;
            o.Monitoring.Rules.Add(new AlertRule { Name = "hit-ratio", Metric = AlertMetric.HitRatio, Comparison = AlertComparison.Below, Threshold = 0.5, Window = TimeSpan.Zero, MinimumEvents = 10 });
        });
        using var _ = cache;

        Minute(cache, time, 90);
        Minute(cache, time, 70);   // 0.7 is not below 0.5
        Assert.Empty(events);

        var updated = monitor.UpdateRule("hit-ratio", 0.8, 0.85);
        Assert.Equal(0.8, updated.Threshold);
        Assert.Equal(0.85, Assert.Single(monitor.Rules).ResolveThreshold);
        Minute(cache, time, 70);   // 0.7 is below 0.8
        Assert.Equal("raised", Assert.Single(events).Kind);
        Assert.Equal(0.8, events[0].Alert.Threshold);

        monitor.UpdateRule("hit-ratio", 0.6, null);   // the raised alert stays until the new thresholds resolve it
        Assert.Single(monitor.ActiveAlerts);
        Minute(cache, time, 70);
        Assert.Equal("resolved", events[^1].Kind);
        Assert.Empty(monitor.ActiveAlerts);
    }

    [Fact]
    public void UpdateRule_BadArguments_ThrowNamingThem()
    {
        var (cache, _, monitor, _) = Create(TimeSpan.FromMinutes(1), _ => { });
        using var _c = cache;
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => monitor.UpdateRule("nope", 1, null)).ParamName);
        Assert.Equal("threshold", Assert.Throws<ArgumentOutOfRangeException>(() => monitor.UpdateRule(BuiltInAlertRules.LowHitRatio, double.NaN, null)).ParamName);
        // low-hit-ratio fires below its threshold: a resolve threshold below it would never resolve.
        Assert.Equal("resolveThreshold", Assert.Throws<ArgumentOutOfRangeException>(() => monitor.UpdateRule(BuiltInAlertRules.LowHitRatio, 0.5, 0.4)).ParamName);
        Assert.Equal(0.5, monitor.Rules.Single(r => r.Name == BuiltInAlertRules.LowHitRatio).Threshold);
    }
}
